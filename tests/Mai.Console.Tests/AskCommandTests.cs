using System.Text.Json;
using Mai.Console.Infrastructure;

namespace Mai.Console.Tests;

public class AskCommandTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public async Task Run_NoEndpointJson_EmbeddedEmulatorAnswersWithOneJsonObject()
    {
        var (code, stdout, stderr) = await RunAsync(["--json", "Why is the sky blue?"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("answer").GetString()));
        Assert.DoesNotContain("<think>", root.GetProperty("answer").GetString());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("reasoning").GetString()));
        Assert.Equal("MAI-Thinking-1", root.GetProperty("model").GetString());
        Assert.Equal("stop", root.GetProperty("finish_reason").GetString());
        var usage = root.GetProperty("usage");
        Assert.True(usage.GetProperty("input_tokens").GetInt64() > 0);
        Assert.True(usage.GetProperty("reasoning_tokens").GetInt64() > 0);
        Assert.Equal(
            usage.GetProperty("input_tokens").GetInt64() + usage.GetProperty("output_tokens").GetInt64(),
            usage.GetProperty("total_tokens").GetInt64());
        Assert.Equal(JsonValueKind.Number, root.GetProperty("duration_ms").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("ttft_ms").ValueKind);
        Assert.Contains("embedded emulator", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Run_NoStreamJson_NoTimeToFirstToken()
    {
        var (code, stdout, _) = await RunAsync(["ask", "--no-stream", "--json", "hello"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("ttft_ms").ValueKind);
        Assert.False(string.IsNullOrWhiteSpace(json.RootElement.GetProperty("answer").GetString()));
    }

    [Fact]
    public async Task Run_HumanOnATerminal_ReasoningApartFromAnswerThenUsageLine()
    {
        var (code, stdout, _) = await RunAsync(["Why is the sky blue?"], terminal: true);

        Assert.Equal(0, code);
        Assert.Contains("Thinking…", stdout);
        Assert.DoesNotContain("<think>", stdout);
        var lastLine = stdout.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("tokens: input ", lastLine);
        Assert.Contains("reasoning ", lastLine);
        Assert.Contains("first token ", lastLine);
    }

    [Fact]
    public async Task Run_EmptyPrompt_ErrorBeforeAnyRequestAndNonZeroExit()
    {
        var (code, stdout, stderr) = await RunAsync(["--json", " "]);

        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("prompt", stderr);
    }

    internal static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string[] args, Dictionary<string, string?>? environment = null, bool terminal = false)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var env = environment ?? NoEnvironment;
        var cli = new CliEnvironment(stdout, stderr, name => env.GetValueOrDefault(name)) { Interactive = terminal, Width = terminal ? 1_000 : null };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var code = await MaiCli.RunAsync(args, cli, timeout.Token);
        return (code, TestSupport.Terminal.Strip(stdout.ToString()), TestSupport.Terminal.Strip(stderr.ToString()));
    }
}
