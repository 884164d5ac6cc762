using Mai.Emulator;

namespace Mai.Client.Tests.Facade;

/// <summary>One setting moves a MaiClient between transports with every layer intact.</summary>
public class MaiClientTransportTests
{
    [Theory]
    [InlineData(MaiTransport.AzureInference, "", "/chat/completions?api-version=2024-05-01-preview")]
    [InlineData(MaiTransport.OpenAIV1, "/openai/v1", "/openai/v1/chat/completions")]
    public async Task StreamAsync_EitherTransport_ReasoningSplitUsageReportedAttemptsRecorded(MaiTransport transport, string path, string expectedTarget)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("503"));
        var options = new MaiClientOptions { Endpoint = new Uri(emu.Endpoint, path), ApiKey = emu.ApiKey, Model = "DeepSeek-R1", Transport = transport };
        options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(1);
        using var client = new MaiClient(options);

        var updates = await client.StreamAsync("Why is the sky blue?", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var result = updates[^1].Result!;
        Assert.NotEmpty(result.Answer);
        Assert.NotNull(result.Reasoning);
        Assert.True(result.Usage!.ReasoningTokenCount > 0);
        Assert.False(result.Usage.IsEstimated);
        Assert.Equal([503, 200], result.Attempts.Select(a => a.Status));
        Assert.Equal(2, emu.Requests.Count);
        Assert.All(emu.Requests, r => Assert.Equal(expectedTarget, r.PathAndQuery));
        Assert.Contains("\"stream_options\":{\"include_usage\":true}", emu.Requests[1].Body);
    }
}
