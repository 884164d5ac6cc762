using System.Diagnostics;
using System.Text.Json;
using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.CommandLine;

/// <summary>The emulator never stands in silently: unserved models, stray keys and keyless local endpoints are errors that say what to pass.</summary>
public class EmulatorHonestyTests
{
    private const string Served = "it serves MAI-Thinking-1, DeepSeek-R1, gpt-4o, o3-mini, Mistral-small, claude-opus-4-6, claude-sonnet-4-6, claude-haiku-4-5.";

    [Fact]
    public async Task Run_ModelTheEmbeddedEmulatorDoesNotServe_ErrorWithSuggestionBeforeStartingIt()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["-m", "MAI-Thinkin-1", "hi"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"mai: error: 'MAI-Thinkin-1' has no endpoint and the embedded emulator does not serve it (did you mean MAI-Thinking-1?); {Served} For another model set --endpoint, --model-endpoint MAI-Thinkin-1=URL or MAI_MODELS__MAI-Thinkin-1__ENDPOINT." + Environment.NewLine,
            stderr);
    }

    [Fact]
    public async Task Chat_ModelCommandWithAnUnservedModel_ErrorWithSuggestionAndTheChatGoesOn()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["chat"], input: "/model gpt4o\n/model\n");

        Assert.Equal(0, code);
        Assert.Contains("mai: error: 'gpt4o' has no endpoint and the embedded emulator does not serve it (did you mean gpt-4o?);", stderr);
        Assert.Contains("model: MAI-Thinking-1 (emulated) (switch with /model NAME)", stdout);
    }

    [Fact]
    public async Task Compare_MisspeltEmulatedModel_ErrorWithSuggestionBeforeAnyCall()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "gpt-4o,DeepSeek-R2"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("mai: error: 'DeepSeek-R2' has no endpoint and the embedded emulator does not serve it (did you mean DeepSeek-R1?);", stderr);
    }

    [Theory]
    [InlineData("--key", "AZURE_AI_CHAT_KEY-unused", "--key")]
    [InlineData(null, "key-in-the-environment-42", "AZURE_AI_CHAT_KEY")]
    public async Task Run_KeyWithoutEndpoint_ErrorNamingWhereTheKeyCameFromNeverTheKey(string? flag, string key, string source)
    {
        string[] args = flag is null ? ["hi"] : [flag, key, "hi"];
        var environment = flag is null ? new Dictionary<string, string?> { ["AZURE_AI_CHAT_KEY"] = key } : null;

        var (code, stdout, stderr) = await Cli.RunAsync(args, environment);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"mai: error: a key is set ({source}) but no endpoint: set --endpoint or AZURE_AI_CHAT_ENDPOINT to the resource the key belongs to. Without an endpoint mai uses the embedded emulator, which needs no key." + Environment.NewLine,
            stderr);
        Assert.DoesNotContain(key, stderr);
    }

    [Fact]
    public async Task Run_LocalEmulatorEndpointWithoutKey_ExplainsWhatToPassAndSendsNothing()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var authority = emu.Endpoint.GetLeftPart(UriPartial.Authority);

        var (code, stdout, stderr) = await Cli.RunAsync(["--endpoint", emu.Endpoint.ToString(), "hi"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Equal(
            $"mai: error: no key for {authority} (--endpoint): Entra ID needs https. For a Mai.Emulator started on its own, pass --key with the key it printed at start-up (mai-emulator-key unless it was started with --api-key; any key when it runs --no-auth)." + Environment.NewLine,
            stderr);
        Assert.Empty(emu.Requests);
    }

    [Theory]
    [InlineData(new[] { "--fallback", "endpoint=https://west.example.com/models,key:SECRET-0123456789" }, "mai: error: --fallback: a part is not NAME=VALUE (not shown: it may be a key); expected endpoint=URL,model=NAME[,key=KEY][,name=NAME].")]
    [InlineData(new[] { "--endpoint", "https://east.example.com/models", "--model-key", "gpt-4o:SECRET-0123456789", "-m", "gpt-4o" }, "mai: error: --model-key number 1 must be NAME=VALUE (the value is not shown).")]
    [InlineData(new[] { "--endpoint", "SECRET-0123456789", "--key", "k" }, "mai: error: the endpoint given by --endpoint is not an absolute http(s) URL (not shown: it may be a key pasted in the wrong place).")]
    public async Task Run_SecretInTheWrongPlace_ErrorNeverEchoesIt(string[] args, string expected)
    {
        var (code, stdout, stderr) = await Cli.RunAsync([.. args, "hi"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.EndsWith(expected + Environment.NewLine, stderr);
        Assert.DoesNotContain("SECRET", stderr);
    }

    [Fact]
    public async Task Process_StandaloneEmulator_PrintsItsKeyAndItsCallsAreRecordedAsEmulated()
    {
        using var temp = new TempFolder();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Mai.Emulator.dll"));
        using var emulator = Process.Start(start)!;
        try
        {
            var endpoint = await emulator.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
            var auth = await emulator.StandardError.ReadLineAsync(TestContext.Current.CancellationToken);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", endpoint);
            Assert.Equal($"Mai.Emulator: api-key mai-emulator-key (send it as the api-key header). mai: mai --endpoint {endpoint} --key mai-emulator-key \"…\"", auth);

            var (code, _, stderr) = await Cli.RunAsync(["--json", "--endpoint", endpoint!, "--key", "mai-emulator-key", "--db", temp.File("usage.db"), "hi"]);
            Assert.True(code == 0, stderr);
            var (usageCode, usage, _) = await Cli.RunAsync(["usage", "--json", "--db", temp.File("usage.db")]);

            Assert.Equal(0, usageCode);
            using var json = JsonDocument.Parse(usage);
            Assert.Equal(0, json.RootElement.GetProperty("rows").GetArrayLength());
            Assert.Equal(1, json.RootElement.GetProperty("emulated_hidden").GetInt32());
        }
        finally
        {
            emulator.Kill(entireProcessTree: true);
            await emulator.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }
}
