using System.Text.Json;
using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.CommandLine;

/// <summary>The prompt from stdin, a file or the argument; a piped stdout that carries the answer alone; an answer cut by the token limit.</summary>
public class PipeTests
{
    [Fact]
    public async Task Run_PromptOnStdinOnly_IsTheQuestion()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, _, _) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!], input: "Why is the sky blue?\n");

        Assert.Equal(0, code);
        Assert.Equal("Why is the sky blue?", UserMessage(emu));
    }

    [Fact]
    public async Task Run_StdinAndArgument_CombineStdinFirstLikeLlm()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, _, _) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "Review this"], input: "class A { }\n");

        Assert.Equal(0, code);
        Assert.Equal("class A { }\n\nReview this", UserMessage(emu));
    }

    [Fact]
    public async Task Run_DashAsPrompt_ReadsStdinEvenAtATerminal()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, _, _) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-"], input: "typed then Ctrl-D", stdinIsTerminal: true);

        Assert.Equal(0, code);
        Assert.Equal("typed then Ctrl-D", UserMessage(emu));
    }

    [Fact]
    public async Task Run_FileAndArgument_FileFirstLargePromptWorks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var folder = new TempFolder();
        var large = string.Concat(Enumerable.Repeat("lorem ipsum ", 30_000)).TrimEnd();
        await File.WriteAllTextAsync(folder.File("prompt.txt"), large + "\n", TestContext.Current.CancellationToken);

        var (code, _, _) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-f", folder.File("prompt.txt"), "Summarise"]);

        Assert.Equal(0, code);
        Assert.Equal(large + "\n\nSummarise", UserMessage(emu));
    }

    [Fact]
    public async Task Run_MissingFile_UsageError()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["-f", "/nonexistent/prompt.txt"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("mai: error: --file '/nonexistent/prompt.txt': no such file." + Environment.NewLine, stderr);
    }

    [Fact]
    public async Task Run_StdoutNotATerminal_StdoutIsTheAnswerAloneSummaryOnStderr()
    {
        var (jsonCode, json, _) = await Cli.RunAsync(["--json", "Why is the sky blue?"]);
        var answer = JsonDocument.Parse(json).RootElement.GetProperty("answer").GetString();

        var (code, stdout, stderr) = await Cli.RunAsync(["Why is the sky blue?"]);

        Assert.Equal(0, jsonCode);
        Assert.Equal(0, code);
        Assert.Equal(answer + Environment.NewLine, stdout);
        Assert.DoesNotContain("Thinking…", stderr);
        Assert.StartsWith("tokens: input ", stderr.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public async Task Run_PipedWithShowReasoning_ReasoningOnStderrOnly()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["--show-reasoning", "Why is the sky blue?"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain("Thinking…", stdout);
        Assert.StartsWith("Here is a short answer", stdout);
        Assert.Contains("Thinking…" + Environment.NewLine + "The user is asking about sky blue.", stderr);
    }

    [Fact]
    public async Task Run_TerminalWithHideReasoning_AnswerAndUsageLineOnly()
    {
        var (code, stdout, _) = await Cli.RunAsync(["--hide-reasoning", "Why is the sky blue?"], stdoutIsTerminal: true);

        Assert.Equal(0, code);
        Assert.DoesNotContain("Thinking…", stdout);
        Assert.DoesNotContain("The user is asking", stdout);
        var lines = stdout.TrimEnd().Split('\n');
        Assert.StartsWith("Here is a short answer", lines[0]);
        Assert.StartsWith("tokens: input ", lines[^1]);
    }

    [Theory]
    [InlineData("--json")]
    [InlineData("--no-stream")]
    [InlineData("--hide-reasoning")]
    public async Task Run_MaxTokensCutsTheAnswer_SaysSoOnStderrAndExits4(string flag)
    {
        var (code, _, stderr) = await Cli.RunAsync([flag, "--max-tokens", "5", "Why is the sky blue?"]);

        Assert.Equal(4, code);
        Assert.EndsWith(
            "mai: the answer was cut by the token limit (--max-tokens 5; finish_reason: length). The answer is empty: the reasoning used every token. Raise --max-tokens for a whole answer." + Environment.NewLine,
            stderr);
    }

    [Fact]
    public async Task Process_EchoPipedIntoMai_StdoutIsTheAnswerAlone()
    {
        var (code, stdout, stderr) = await MaiProcess.RunAsync([], stdin: "Why is the sky blue?\n");

        Assert.Equal(0, code);
        Assert.StartsWith("Here is a short answer about sky blue.", stdout);
        Assert.Single(stdout.TrimEnd().Split('\n'));
        Assert.False(stdout.Contains('\u001b', StringComparison.Ordinal), "no ANSI escape in a pipe");
        Assert.Contains("using the embedded emulator", stderr);
        Assert.Contains("tokens: input ", stderr);
        Assert.DoesNotContain("thinking…", stderr);
    }

    [Fact]
    public async Task Run_PromptArgumentAndAStdinPipeNobodyWritesTo_SendsTheArgumentAloneInsteadOfHanging()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var silent = new SilentPipe();

        var (code, _, stderr) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "Why is the sky blue?"], reader: silent, stdinGrace: TimeSpan.FromMilliseconds(100));

        Assert.Equal(0, code);
        Assert.Equal("Why is the sky blue?", UserMessage(emu));
        Assert.Contains("mai: nothing arrived on stdin within 0.1 s; sending the prompt without it (pass - to wait for stdin, or < /dev/null to skip it)." + Environment.NewLine, stderr);
    }

    /// <summary>An inherited pipe that never delivers a byte nor ends (until the test disposes it).</summary>
    private sealed class SilentPipe : TextReader
    {
        private readonly ManualResetEventSlim _closed = new();

        public override int Peek()
        {
            _closed.Wait();
            return -1;
        }

        public override string ReadToEnd()
        {
            _closed.Wait();
            return string.Empty;
        }

        protected override void Dispose(bool disposing)
        {
            _closed.Set();
            base.Dispose(disposing);
        }
    }

    private static string? UserMessage(MaiEmulator emu)
    {
        using var body = JsonDocument.Parse(Assert.Single(emu.Requests).Body);
        var messages = body.RootElement.GetProperty("messages");
        return messages[messages.GetArrayLength() - 1].GetProperty("content").GetString();
    }
}
