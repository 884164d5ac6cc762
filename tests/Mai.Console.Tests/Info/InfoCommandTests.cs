using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests.Info;

public class InfoCommandTests
{
    private const string Key = "info-secret-key-0123456789";

    [Fact]
    public async Task Run_ServerlessStyleEndpoint_ShowsWhatItServesAndTheSettingsNeverTheKey()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = Key }, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(["info", "--endpoint", emu.Endpoint.ToString(), "--key", Key, "--model", "MAI-Thinking-1"]);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains($"endpoint host   127.0.0.1:{emu.Endpoint.Port} (http; from --endpoint)", lines);
        Assert.Contains("model           MAI-Thinking-1", lines);
        Assert.Contains("auth            api-key from --key", lines);
        Assert.Contains("served model    MAI-Thinking-1", lines);
        Assert.Contains("model type      chat-completion", lines);
        Assert.Contains("provider        Microsoft", lines);
        Assert.DoesNotContain(Key, stdout + stderr);
        var request = Assert.Single(emu.Requests);
        Assert.Equal("GET", request.Method);
        Assert.StartsWith("/info?api-version=", request.PathAndQuery);
        Assert.True(request.Headers.ContainsKey("api-key"));
    }

    [Fact]
    public async Task Run_AzureOpenAiStyleRoute404_NotAvailableNeverTheKey()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = Key }, TestContext.Current.CancellationToken);
        var env = new Dictionary<string, string?>
        {
            ["AZURE_AI_CHAT_ENDPOINT"] = new Uri(emu.Endpoint, "openai/deployments/gpt-4o").ToString(),
            ["AZURE_AI_CHAT_KEY"] = Key,
            ["AZURE_AI_CHAT_MODEL"] = "gpt-4o",
        };

        var (code, stdout, stderr) = await Cli.RunAsync(["info"], env);

        Assert.Equal(0, code);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains("endpoint /info  not available (the endpoint has no /info route (Azure OpenAI deployments do not serve it))", lines);
        Assert.Contains("auth            api-key from AZURE_AI_CHAT_KEY", lines);
        Assert.Contains("model           gpt-4o", lines);
        Assert.DoesNotContain("served model", stdout);
        Assert.DoesNotContain(Key, stdout + stderr);
        Assert.Equal("/openai/deployments/gpt-4o/info?api-version=2024-05-01-preview", Assert.Single(emu.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Run_NoEndpoint_EmbeddedEmulatorLabelledEmulated()
    {
        var (code, stdout, _) = await Cli.RunAsync(["info", "--model", "DeepSeek-R1"]);

        Assert.Equal(0, code);
        Assert.Contains("model           DeepSeek-R1 (emulated)", stdout);
        Assert.Contains("from the embedded emulator: no endpoint is configured", stdout);
        Assert.Contains("usage database  none (calls are not recorded)", stdout);
    }

    [Fact]
    public async Task Run_WrongKey_NotAvailableWithStatusNeverTheKey()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = Key }, TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(["info", "--endpoint", emu.Endpoint.ToString(), "--key", "wrong-key-abcdef"]);

        Assert.Equal(0, code);
        Assert.Contains("not available (HTTP 401", stdout);
        Assert.DoesNotContain("wrong-key-abcdef", stdout + stderr);
    }
}
