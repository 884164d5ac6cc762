using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.CommandLine;

/// <summary>While the model thinks, a live status on stderr when it is a terminal; nothing of it in a pipe.</summary>
public class ThinkingStatusTests
{
    [Fact]
    public async Task Run_StderrIsATerminalSlowFirstToken_SpinnerWithModelAndElapsedOnStderrOnlyThenWiped()
    {
        var options = new MaiEmulatorOptions();
        options.Models.Add(EmulatedModel.Gpt4o with { TimeToFirstToken = TimeSpan.FromMilliseconds(600) });
        await using var emu = await MaiEmulator.StartAsync(options, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-m", "gpt-4o", "hi"], stderrIsTerminal: true);

        Assert.Equal(0, code);
        Assert.Matches(@"\r\u001b\[2K⠋ gpt-4o thinking… \d+\.\d s", stderr);
        // The status line is wiped before the summary line is written.
        Assert.Matches("\r\u001b\\[2K\r?\n?tokens: input ", stderr.Replace(Environment.NewLine, "\n", StringComparison.Ordinal));
        Assert.False(stdout.Contains('\u001b', StringComparison.Ordinal), "nothing of the status reaches stdout");
        Assert.DoesNotContain("thinking…", stdout);
    }

    [Fact]
    public async Task Run_StderrNotATerminal_NoStatusAtAll()
    {
        var options = new MaiEmulatorOptions();
        options.Models.Add(EmulatedModel.Gpt4o with { TimeToFirstToken = TimeSpan.FromMilliseconds(400) });
        await using var emu = await MaiEmulator.StartAsync(options, TestContext.Current.CancellationToken);

        var (code, _, stderr) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-m", "gpt-4o", "hi"]);

        Assert.Equal(0, code);
        Assert.DoesNotContain("thinking…", stderr);
        Assert.False(stderr.Contains('\u001b', StringComparison.Ordinal));
    }
}
