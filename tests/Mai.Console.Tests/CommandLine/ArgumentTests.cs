using System.Reflection;
using System.Text.Json;
using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.CommandLine;

/// <summary>Every argument mistake has one shape: <c>mai: error: …</c> on stderr, nothing on stdout, exit code 2, nothing sent.</summary>
public class ArgumentTests
{
    [Fact]
    public async Task Run_MisspeltOption_ErrorWithDidYouMeanAndExit2()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["--modle", "gpt-4o", "hi"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal("mai: error: unknown option '--modle' (did you mean --model?)" + Environment.NewLine, stderr);
    }

    [Theory]
    [InlineData(new[] { "--timeout", "0", "hi" }, "mai: error: --timeout must be positive; it was 0.")]
    [InlineData(new[] { "compare", "--runs", "0" }, "mai: error: --runs must be between 1 and 1000; it was 0.")]
    [InlineData(new[] { "usage", "--by", "week" }, "mai: error: --by must be model, day or month; it was 'week'.")]
    [InlineData(new[] { "usage", "--since", "yesterday" }, "mai: error: --since must be yyyy-MM-dd, an ISO 8601 time or Nd (days); it was 'yesterday'.")]
    [InlineData(new[] { "compare", "--out", "report.pdf" }, "mai: error: --out 'report.pdf': use a .md, .csv, .json or .html file.")]
    [InlineData(new[] { "--max-tokens", "abc", "hi" }, "mai: error: --max-tokens must be a whole number; it was 'abc'.")]
    [InlineData(new[] { "--temperature", "warm", "hi" }, "mai: error: --temperature must be a number; it was 'warm'.")]
    [InlineData(new[] { "--temperature", "3", "hi" }, "mai: error: --temperature must be between 0 and 2; it was 3.")]
    [InlineData(new[] { "--json", " " }, "mai: error: the prompt is empty: pass it as an argument, with -f FILE, or on stdin (echo \"…\" | mai).")]
    [InlineData(new[] { "hi", "--model" }, "mai: error: --model needs a value (NAME).")]
    [InlineData(new[] { "--runs", "3", "hi" }, "mai: error: unknown option '--runs' for mai; it is an option of mai compare.")]
    [InlineData(new[] { "chat", "--json" }, "mai: error: unknown option '--json' for mai chat; it is an option of mai ask, mai compare and mai usage.")]
    [InlineData(new[] { "usage", "--jsn" }, "mai: error: unknown option '--jsn' (did you mean --json?)")]
    [InlineData(new[] { "--frobnicate", "hi" }, "mai: error: unknown option '--frobnicate'; mai --help lists the options.")]
    [InlineData(new[] { "comapre" }, "mai: error: unknown command 'comapre' (did you mean compare?); to send it as a prompt, use mai ask \"comapre\".")]
    [InlineData(new[] { "chta", "--system", "x" }, "mai: error: unknown command 'chta' (did you mean chat?); to send it as a prompt, use mai ask \"chta\".")]
    [InlineData(new[] { "--show-reasoning", "--hide-reasoning", "hi" }, "mai: error: --show-reasoning and --hide-reasoning cannot be used together.")]
    public async Task Run_ArgumentError_OneLineOnStderrExit2NothingSent(string[] args, string expected)
    {
        var (code, stdout, stderr) = await Cli.RunAsync(args);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(expected + Environment.NewLine, stderr);
    }

    [Fact]
    public async Task Run_NoArgumentsAndNothingOnStdin_HelpAndExit2()
    {
        var (code, stdout, stderr) = await Cli.RunAsync([]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("USAGE:", stderr);
        Assert.DoesNotContain("using the embedded emulator at", stderr);
    }

    [Fact]
    public async Task Run_NoArgumentsAtATerminal_HelpWithoutWaitingForStdin()
    {
        var (code, _, stderr) = await Cli.RunAsync([], input: "never read", stdinIsTerminal: true);

        Assert.Equal(2, code);
        Assert.Contains("USAGE:", stderr);
        Assert.DoesNotContain("using the embedded emulator at", stderr);
    }

    [Theory]
    [InlineData(new[] { "help" }, "mai [prompt] [OPTIONS] [COMMAND]")]
    [InlineData(new[] { "help", "compare" }, "mai compare [OPTIONS]")]
    public async Task Run_Help_ShowsHelpInsteadOfSendingAPrompt(string[] args, string usage)
    {
        var (code, stdout, stderr) = await Cli.RunAsync(args);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains(usage, stderr);
        Assert.DoesNotContain("using the embedded emulator at", stderr);
    }

    [Fact]
    public async Task Run_Version_PrintsTheInformationalVersionOnStdout()
    {
        var expected = typeof(MaiCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        var (code, stdout, stderr) = await Cli.RunAsync(["--version"]);

        Assert.Equal(0, code);
        Assert.Equal($"mai {expected}" + Environment.NewLine, stdout);
        Assert.Matches(@"^mai \d+\.\d+\.\d+", stdout);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public async Task Run_ShortModelSystemAndTemperature_SentWithTheCall()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, _) = await Cli.RunAsync(["--json", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "-m", "gpt-4o", "--system", "You are terse.", "--temperature", "0.25", "hi"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("gpt-4o", json.RootElement.GetProperty("model").GetString());
        using var body = JsonDocument.Parse(Assert.Single(emu.Requests).Body);
        Assert.Equal("gpt-4o", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(0.25, body.RootElement.GetProperty("temperature").GetDouble(), 3);
        var messages = body.RootElement.GetProperty("messages");
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("You are terse.", messages[0].GetProperty("content").GetString());
        Assert.Equal("hi", messages[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Process_MalformedAppSettingsInTheCurrentFolder_ErrorNamingFileAndLineExit2()
    {
        using var folder = new TempFolder();
        await File.WriteAllTextAsync(folder.File("appsettings.json"), "{\n  \"Mai\": {\n    \"Model\": \"x\",,\n  }\n}\n", TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await MaiProcess.RunAsync(["hi"], workingDirectory: folder.Path);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal($"mai: error: {folder.File("appsettings.json")} is not valid JSON: line 3, column 18: ',' is an invalid start of a property name. Expected a '\"'." + Environment.NewLine, stderr);
    }
}
