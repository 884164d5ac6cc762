using System.Text.Json;
using Azure;
using Azure.AI.Inference;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>Every fault surfaces through raw Azure.AI.Inference as the real service's failure would.</summary>
public sealed class AzureInferenceFaultTests
{
    private const string Prompt = "Explain tides";

    public static TheoryData<string, int, string> StatusFaults => new()
    {
        { "429;retry-after=7", 429, "429" },
        { "500", 500, "InternalServerError" },
        { "503", 503, "ServiceUnavailable" },
        { "408", 408, "Timeout" },
        { "content-filter", 400, "content_filter" },
        { "context-length", 400, "context_length_exceeded" },
    };

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task Complete_StatusFault_ThrowsRequestFailedWithStatusAndCode(string fault, int status, string code)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.Parse(fault));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Clients.Azure(emu).CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));

        Assert.Equal(status, ex.Status);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Single(emu.Requests);
    }

    [Theory]
    [MemberData(nameof(StatusFaults))]
    public async Task CompleteStreaming_StatusFault_ThrowsBeforeTheStreamWithPlainJsonError(string fault, int status, string code)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.Parse(fault));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Clients.Azure(emu).CompleteStreamingAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));

        Assert.Equal(status, ex.Status);
        Assert.Equal(code, ex.ErrorCode);
        Assert.StartsWith("application/json", ex.GetRawResponse()!.Headers.ContentType);
    }

    [Fact]
    public async Task Complete_RateLimit_RawResponseCarriesRetryHeadersUnredacted()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Script(
            EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(1500), RetryAfterHeader.RetryAfterMs),
            EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(250), RetryAfterHeader.XMsRetryAfterMs),
            EmulatorFault.RateLimit(TimeSpan.FromSeconds(26)));
        var client = Clients.Azure(emu);

        var headers = new List<Azure.Core.ResponseHeaders>();
        for (var i = 0; i < 3; i++)
        {
            var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));
            headers.Add(ex.GetRawResponse()!.Headers);
        }

        Assert.True(headers[0].TryGetValue("retry-after-ms", out var ms) && ms == "1500");
        Assert.False(headers[0].TryGetValue("Retry-After", out _));
        Assert.True(headers[1].TryGetValue("x-ms-retry-after-ms", out var xms) && xms == "250");
        Assert.True(headers[2].TryGetValue("Retry-After", out var s) && s == "26");
        Assert.True(headers[2].TryGetValue("x-ratelimit-reset-tokens", out var reset) && reset == "26");
        Assert.True(headers[2].TryGetValue("policy-id", out var policy) && policy == "DeploymentRatelimit-Token");
    }

    [Fact]
    public async Task Complete_ConnectionReset_ThrowsStatusZero()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.ConnectionReset());

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => Clients.Azure(emu).CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));

        Assert.Equal(0, ex.Status);
        Assert.IsType<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task Complete_MalformedJson_ThrowsJsonException()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.MalformedJson());

        await Assert.ThrowsAnyAsync<JsonException>(() => Clients.Azure(emu).CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));
    }

    [Fact]
    public async Task CompleteStreaming_MalformedChunk_ThrowsMidEnumerationAfterTheGoodChunks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.MalformedJson(afterChunks: 3));

        var seen = 0;
        using var stream = await Clients.Azure(emu).CompleteStreamingAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline());
        await Assert.ThrowsAnyAsync<JsonException>(async () =>
        {
            await foreach (var update in stream.WithCancellation(Clients.Deadline()))
            {
                seen++;
            }
        });

        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task CompleteStreaming_CutStream_ThrowsIOExceptionAfterTheGoodChunks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.CutStream(afterChunks: 4));

        var seen = new List<string>();
        using var stream = await Clients.Azure(emu).CompleteStreamingAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline());
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var update in stream.WithCancellation(Clients.Deadline()))
            {
                seen.Add(update.ContentUpdate);
            }
        });

        Assert.Equal(4, seen.Count);
        Assert.StartsWith("Here is", string.Concat(seen));
    }

    [Fact]
    public async Task Complete_UnknownModelWithClosedList_Throws400UnknownModelForBothModes()
    {
        var options = new MaiEmulatorOptions { RejectUnknownModels = true };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        var client = Clients.Azure(emu);

        var plain = await Assert.ThrowsAsync<RequestFailedException>(() => client.CompleteAsync(Clients.AzureOptions("nope", Prompt), Clients.Deadline()));
        var streaming = await Assert.ThrowsAsync<RequestFailedException>(() => client.CompleteStreamingAsync(Clients.AzureOptions("nope", Prompt), Clients.Deadline()));

        foreach (var ex in new[] { plain, streaming })
        {
            Assert.Equal(400, ex.Status);
            Assert.Equal("unknown_model", ex.ErrorCode);
            Assert.True(ex.GetRawResponse()!.Headers.TryGetValue("x-ms-error-code", out var header) && header == "unknown_model");
        }
    }

    [Fact]
    public async Task Complete_WrongKey_Throws401WithAzureBody()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = "right-key" }, Clients.Deadline());
        var client = new ChatCompletionsClient(emu.Endpoint, new AzureKeyCredential("wrong-key"), new AzureAIInferenceClientOptions { Retry = { MaxRetries = 0 } });

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline()));

        Assert.Equal(401, ex.Status);
        Assert.Equal("401", ex.ErrorCode);
        Assert.DoesNotContain("right-key", ex.Message);
    }
}
