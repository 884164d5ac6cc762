using System.Net;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Faults;

/// <summary>Fault queue order, the header override, and the byte-level behaviour of each fault over raw HTTP.</summary>
public sealed class FaultScriptTests
{
    private static string Body(bool stream = false) => Raw.Body("Mistral-small", "Explain tides", stream);

    [Fact]
    public async Task Script_FaultsThenNone_AppliedInOrderOnePerRequest()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Script(EmulatorFault.HttpError(503), EmulatorFault.None, EmulatorFault.RateLimit(TimeSpan.FromSeconds(2)));
        Assert.Equal(3, emu.Faults.Count);

        var statuses = new List<int>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((int)(await Raw.PostJsonAsync(emu, Body())).Response.StatusCode);
        }

        Assert.Equal([503, 200, 429, 200], statuses);
        Assert.Equal(0, emu.Faults.Count);
        Assert.Equal(["503", "none", "429;retry-after=2", null], emu.Requests.Select(r => r.Fault?.ToString()));
    }

    [Fact]
    public async Task Header_OverridesQueue_AndLeavesItUntouched()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.HttpError(500));

        var (viaHeader, _) = await Raw.PostJsonAsync(emu, Body(), fault: "408");
        var (viaQueue, _) = await Raw.PostJsonAsync(emu, Body());

        Assert.Equal(HttpStatusCode.RequestTimeout, viaHeader.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, viaQueue.StatusCode);
    }

    [Fact]
    public async Task Header_Invalid_Returns400NamingTheHeader()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Body(), fault: "cut;after=x");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("x-mai-fault", json.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task RateLimit_ExactAzureBodyAndHeaders()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Body(stream: true), fault: "429;retry-after=26");

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal(TimeSpan.FromSeconds(26), response.Headers.RetryAfter!.Delta);
        Assert.Equal("26", response.Headers.GetValues("x-ratelimit-reset-tokens").Single());
        Assert.Equal("0", response.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(
            """{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-05-01-preview have exceeded token rate limit of your current OpenAI S0 pricing tier. Please retry after 26 seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit."}}""",
            json.RootElement.GetRawText());
    }

    [Fact]
    public async Task TruncateStream_ClosesCleanlyWithoutDone()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var data = await Raw.StreamAsync(emu, Body(stream: true), fault: "truncate;after=3");

        Assert.Equal(3, data.Count);
        Assert.DoesNotContain("[DONE]", data);
        Assert.All(Raw.Chunks(data), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task TruncateStream_AfterMoreChunksThanExist_DropsOnlyDone()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var full = await Raw.StreamAsync(emu, Body(stream: true));

        var truncated = await Raw.StreamAsync(emu, Body(stream: true), fault: "truncate;after=1000");

        Assert.Equal(full.Take(full.Count - 1).Select(StripVolatile), truncated.Select(StripVolatile));
        Assert.Equal("[DONE]", full[^1]);
    }

    [Fact]
    public async Task MalformedStream_InsertsOneBrokenChunkThenContinues()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var data = await Raw.StreamAsync(emu, Body(stream: true), fault: "malformed;after=2");

        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(data[2]));
        Assert.Equal("[DONE]", data[^1]);
        Assert.All(data.Where((_, i) => i != 2 && i != data.Count - 1), d => JsonDocument.Parse(d));
    }

    [Fact]
    public async Task MalformedNonStreaming_200WithBrokenJson()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);

        using var response = await http.SendAsync(Raw.Post(emu, Body(), fault: "malformed"), Clients.Deadline());
        var text = await response.Content.ReadAsStringAsync(Clients.Deadline());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"id\":\"chatcmpl-", text);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public async Task CutNonStreaming_HeadersThenHalfBodyThenReset()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);

        using var response = await http.SendAsync(Raw.Post(emu, Body(), fault: "cut;after=0"), HttpCompletionOption.ResponseHeadersRead, Clients.Deadline());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ex = await Assert.ThrowsAsync<HttpRequestException>(() => response.Content.ReadAsStringAsync(Clients.Deadline()));
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task ContentFilter_StreamingRequest_PlainJson400WithExactRecordedBody()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Body(stream: true), fault: "content-filter");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var recorded = File.ReadAllText("/work/shared/fixtures/recorded/mirascope/test_refusal/azure-openai_completions_gpt_4o_mini/stream.yaml");
        Assert.Contains("\"innererror\":{\"code\":\"ResponsibleAIPolicyViolation\"", recorded);
        Assert.Equal(
            """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please modify your prompt and retry. To learn more about our content filtering policies please read our documentation: https://go.microsoft.com/fwlink/?linkid=2198766","type":null,"param":"prompt","code":"content_filter","status":400,"innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},"jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":true,"severity":"medium"},"sexual":{"filtered":false,"severity":"safe"},"violence":{"filtered":false,"severity":"safe"}}}}}""",
            json.RootElement.GetRawText());
    }

    // The response id and the creation second differ between two requests (the second can tick between them under load).
    private static string StripVolatile(string chunk) =>
        System.Text.RegularExpressions.Regex.Replace(
            System.Text.RegularExpressions.Regex.Replace(chunk, "\"id\":\"chatcmpl-[0-9a-f]+\"", "\"id\":\"x\""),
            "\"created\":[0-9]+",
            "\"created\":0");
}
