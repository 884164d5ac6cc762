using System.Globalization;
using System.Text.Json;
using Mai.Client.Accounting;
using Mai.Console.Tests.TestSupport;
using Mai.Console.Usage;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Console.Tests.Chat;

public class ChatCommandTests
{
    private static List<(string Role, string Content)> Messages(EmulatorRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return [.. body.RootElement.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString()!, m.GetProperty("content").GetString()!))];
    }

    private static string Model(EmulatorRequest request)
    {
        using var body = JsonDocument.Parse(request.Body);
        return body.RootElement.GetProperty("model").GetString()!;
    }

    [Fact]
    public async Task Run_TerminalPrompt_EditedLineAndUpRecalledLineAreSent()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        ConsoleKeyInfo[] keys =
        [
            .. Keys.Type("Tell me abut bikes."), .. Enumerable.Repeat(Keys.Left, "ut bikes.".Length),
            .. Keys.Type("o"), Keys.Enter,
            Keys.Up, Keys.Enter, // the same question again, recalled with Up
        ];

        var (code, _, stderr) = await Cli.RunAsync(
            ["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "MAI-Thinking-1"],
            stdinIsTerminal: true,
            keys: keys);

        Assert.True(code == 0, stderr);
        Assert.Equal(2, emu.Requests.Count);
        Assert.Equal(("user", "Tell me about bikes."), Messages(emu.Requests[0]).Last());
        Assert.Equal(("user", "Tell me about bikes."), Messages(emu.Requests[1]).Last());
    }

    [Fact]
    public async Task Run_PipedInput_CommandsAndTurnsWithHistoryAcrossAModelSwitch()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var temp = new TempFolder();
        const string input = """
            /usage
            Tell me about bicycles.
            /usage
            /model gpt-4o
            And about gears?
            /reset
            /usage
            /exit
            This line is never sent.
            """;

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "MAI-Thinking-1", "--system", "Be brief.", "--db", temp.File("u.db")],
            input: input);

        Assert.True(code == 0, stderr);
        Assert.Equal(2, emu.Requests.Count);
        Assert.Equal("MAI-Thinking-1", Model(emu.Requests[0]));
        Assert.Equal([("system", "Be brief."), ("user", "Tell me about bicycles.")], Messages(emu.Requests[0]));
        Assert.Equal("gpt-4o", Model(emu.Requests[1]));
        var second = Messages(emu.Requests[1]);
        Assert.Equal(["system", "user", "assistant", "user"], second.Select(m => m.Role));
        Assert.Equal("And about gears?", second[3].Content);
        Assert.DoesNotContain("<think>", second[2].Content); // the answer goes back into history without its reasoning

        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("session: 0 calls · tokens: input 0 · output 0 · reasoning 0 · total 0 · cost 0 USD", lines);
        var recorded = UsageStore.Read(temp.File("u.db"), since: null);
        var first = Assert.Single(recorded, r => r.Model == "MAI-Thinking-1");
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"session: 1 call · tokens: input {first.InputTokens:N0} · output {first.OutputTokens:N0} · reasoning {first.ReasoningTokens:N0} · total {first.TotalTokens:N0} · cost unknown (no price for MAI-Thinking-1)"),
            lines);
        Assert.Contains("model: gpt-4o", lines);
        Assert.Contains("conversation reset (system message kept).", lines);
        // Window 128,000 (the default for a real endpoint) minus 4,096 kept for the answer; the system message "Be brief." is
        // 3 + 1 ("system") + 3 tokens of text, plus 3 of reply priming.
        Assert.Contains("history: 1 message ≈ 10 of 123,904 prompt tokens", lines);
        Assert.Contains("Thinking…", stdout);
        Assert.DoesNotContain("<think>", stdout);
        Assert.Equal(["chat", "chat"], recorded.Select(r => r.Command));
    }

    [Fact]
    public async Task Run_LongConversation_TrimsTheOldestTurnWithOneNoticeAndKeepsTheSystemMessage()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        const string input = "Question one about bicycles?\nQuestion two about gears?\nQuestion three about chains?\n";

        var (code, _, stderr) = await Cli.RunAsync(
            ["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "gpt-4o", "--system", "Be brief.", "--context-window", "200", "--max-tokens", "60"],
            input: input);

        Assert.Equal(0, code);
        Assert.Equal(3, emu.Requests.Count);
        Assert.Equal(["system", "user"], Messages(emu.Requests[0]).Select(m => m.Role));
        Assert.Equal(["system", "user", "assistant", "user"], Messages(emu.Requests[1]).Select(m => m.Role));
        var third = Messages(emu.Requests[2]);
        Assert.Equal(["system", "user", "assistant", "user"], third.Select(m => m.Role));
        Assert.Equal(("system", "Be brief."), third[0]);
        Assert.Equal("Question two about gears?", third[1].Content);
        Assert.Equal("Question three about chains?", third[3].Content);

        // Exactly what was sent fits the prompt budget (window 200 − 60 reserved for the answer).
        var sent = third.Select(m => new ChatMessage(m.Role == "system" ? ChatRole.System : m.Role == "user" ? ChatRole.User : ChatRole.Assistant, m.Content)).ToList();
        Assert.InRange(TokenEstimator.Default.EstimatePromptTokens(sent), 1, 140);

        var notice = Assert.Single(stderr.Split('\n'), l => l.Contains("trimmed", StringComparison.Ordinal));
        Assert.StartsWith("mai: conversation trimmed to fit gpt-4o's context window: dropped the 2 oldest messages (≈ ", notice);
        Assert.EndsWith(" of 140 prompt tokens in use.", notice.TrimEnd());
    }

    [Fact]
    public async Task Run_UnknownCommand_SaysSoAndCarriesOn()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "gpt-4o"], input: "/frobnicate\n/help\n");

        Assert.Equal(0, code);
        Assert.Contains("mai: unknown command /frobnicate; /help lists them.", stderr);
        Assert.Contains("/usage  tokens and cost so far", stdout);
        Assert.Empty(emu.Requests);
    }

    [Fact]
    public async Task Run_FailedTurn_ErrorLineAndTheQuestionLeftOutOfHistory()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("500"));

        var (code, _, stderr) = await Cli.RunAsync(
            ["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "gpt-4o", "--max-retries", "0"],
            input: "First question?\nSecond question?\n");

        Assert.Equal(0, code);
        Assert.Contains("mai: error: HTTP 500", stderr);
        Assert.Equal(2, emu.Requests.Count);
        Assert.Equal([("user", "Second question?")], Messages(emu.Requests[1]));
    }
}
