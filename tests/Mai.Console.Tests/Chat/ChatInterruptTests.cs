using System.Text.Json;
using System.Text.RegularExpressions;
using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.Chat;

/// <summary>Ctrl+C in <c>mai chat</c>: during an answer it cancels that answer only; at the prompt it offers to quit, and a second one quits at once.</summary>
public class ChatInterruptTests
{
    [Fact]
    public async Task Run_CtrlCDuringAnAnswer_CancelsThatAnswerOnlyHistoryKeptPromptBack()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var answers = 0;

        var (code, _, stderr) = await Cli.RunAsync(
            ["chat", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-m", "gpt-4o"],
            input: "First question.\nSecond question.\nThird question.\n/exit\n",
            interrupts: ctrlC => ctrlC.Stage += stage =>
            {
                if (stage == "update" && ++answers == 2)
                {
                    Assert.True(ctrlC.Interrupt());
                }
            });

        Assert.True(code == 0, stderr);
        Assert.Contains("mai: answer cancelled after 1 update; the conversation before it is kept." + Environment.NewLine, stderr);
        Assert.Equal(3, emu.Requests.Count);
        using var third = JsonDocument.Parse(emu.Requests[2].Body);
        var messages = third.RootElement.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString())).ToList();
        Assert.Equal(["user", "assistant", "user"], messages.Select(m => m.Item1));
        Assert.Equal("First question.", messages[0].Item2);
        Assert.Equal("Third question.", messages[2].Item2);
    }

    [Fact]
    public async Task Run_PricedModel_RunningCostAfterEachAnswer()
    {
        var (code, _, stderr) = await Cli.RunAsync(["chat", "-m", "gpt-4o"], input: "One?\nTwo?\n");

        Assert.True(code == 0, stderr);
        var costs = Regex.Matches(stderr, @"^cost: this answer (\d+\.\d+) USD · session (\d+\.\d+) USD$", RegexOptions.Multiline);
        Assert.Equal(2, costs.Count);
        var first = decimal.Parse(costs[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(first, decimal.Parse(costs[0].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(
            first + decimal.Parse(costs[1].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            decimal.Parse(costs[1].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Run_CtrlCTwiceAtAnIdlePrompt_QuitsAtOnceWithoutALineOnStdin()
    {
        using var stdin = new NeverEndingInput();

        var (code, _, stderr) = await Cli.RunAsync(
            ["chat"],
            reader: stdin,
            interrupts: ctrlC => ctrlC.Stage += stage =>
            {
                if (stage == "idle")
                {
                    Assert.True(ctrlC.Interrupt());
                }
            });

        Assert.Equal(130, code);
        Assert.Single(Regex.Matches(stderr, Regex.Escape("mai: press Ctrl+C again (or Ctrl+D) to quit; /exit leaves too.")));
    }

    /// <summary>A terminal where nobody types: ReadLine blocks until the test ends.</summary>
    private sealed class NeverEndingInput : TextReader
    {
        private readonly ManualResetEventSlim _closed = new();

        public override string? ReadLine()
        {
            _closed.Wait();
            return null;
        }

        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
    }
}
