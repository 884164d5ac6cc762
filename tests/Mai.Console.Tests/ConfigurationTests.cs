using System.Text.Json;
using Mai.Console.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Console.Tests;

/// <summary>The <c>Mai</c> configuration section (appsettings.json, user secrets, <c>Mai__…</c> variables) configures every client, below the flags.</summary>
public class ConfigurationTests
{
    [Fact]
    public async Task Run_ResilienceFromConfiguration_AppliedToTheCall()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("503"));

        var (code, _, stderr) = await Cli.RunAsync(
            ["--json", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"],
            configuration: new() { ["Mai:Resilience:MaxRetries"] = "0" });

        Assert.Equal(1, code);
        Assert.Contains("HTTP 503", stderr);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Run_FlagAndConfiguration_FlagWins()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("503"));

        var (code, stdout, _) = await Cli.RunAsync(
            ["--json", "--max-retries", "1", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"],
            configuration: new() { ["Mai:Resilience:MaxRetries"] = "0", ["Mai:Resilience:BaseDelay"] = "00:00:00.001" });

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal([503, 200], json.RootElement.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal(2, emu.Requests.Count);
    }

    [Fact]
    public async Task Run_EndpointKeyAndModelFromConfiguration_UsedWhenNoFlagOrVariable()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["--json", "hello"],
            configuration: new() { ["Mai:Endpoint"] = emu.Endpoint.ToString(), ["Mai:ApiKey"] = emu.ApiKey, ["Mai:Model"] = "gpt-4o" });

        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("embedded emulator", stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("gpt-4o", json.RootElement.GetProperty("model").GetString());
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Run_BadConfigurationValue_ErrorNamesTheKeyBeforeAnyRequest()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["--json", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"],
            configuration: new() { ["Mai:Resilience:MaxRetries"] = "many" });

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("mai: error: configuration: Mai:Resilience:MaxRetries", stderr);
        Assert.Empty(emu.Requests);
    }

    [Theory]
    [InlineData("openai-v1", "/openai/v1", "/openai/v1/chat/completions")]
    [InlineData("azure-inference", "", "/chat/completions?api-version=2024-05-01-preview")]
    public async Task Run_Transport_SendsThroughTheChosenTransport(string transport, string path, string expectedTarget)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await Cli.RunAsync(["--json", "--transport", transport, "--endpoint", new Uri(emu.Endpoint, path).ToString(), "--key", emu.ApiKey!, "--model", "DeepSeek-R1", "hello"]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("reasoning").GetString()));
        Assert.Equal(expectedTarget, Assert.Single(emu.Requests).PathAndQuery);
    }

    [Fact]
    public async Task Run_OpenAIV1TransportOnTheEmbeddedEmulator_Answers()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["--json", "--transport", "openai-v1", "Why is the sky blue?"]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("answer").GetString()));
        Assert.False(json.RootElement.GetProperty("usage").GetProperty("estimated").GetBoolean());
    }

    [Fact]
    public async Task Run_UnknownTransport_RefusedWithTheAllowedNames()
    {
        var (code, _, stderr) = await Cli.RunAsync(["--transport", "grpc", "hello"]);

        Assert.NotEqual(0, code);
        Assert.Contains("--transport must be azure-inference or openai-v1; it was 'grpc'", stderr);
    }
}
