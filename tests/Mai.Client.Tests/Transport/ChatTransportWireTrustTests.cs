using System.Text;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>Hostile or odd wire input (issue 12: 6, 8, 13, 15, 17, 18, 20), every transport; run once per transport by the derived classes.</summary>
public abstract class ChatTransportWireTrustTests(TransportUnderTest transport)
{
    private IChatClient NewClient(LoopbackServer server, TransportSettings? settings = null) => transport.Create(server, settings);

    private static ScriptedReply RawSse(string body, string contentType = "text/event-stream") => new()
    {
        Headers = [new("Content-Type", contentType)],
        Parts = [Encoding.UTF8.GetBytes(body)],
    };

    // 6
    [Fact]
    public async Task GetStreamingResponseAsync_UsageWithOnlyPromptTokens_FoldsToTheWireFigures()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            Chunk("""{"content":"abc"}""", "stop"),
            """{"id":"c-1","object":"chat.completion.chunk","created":1727989992,"model":"m-1","choices":[],"usage":{"prompt_tokens":100}}""",
        ]));
        using var client = NewClient(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        Assert.Equal("abc", response.Text);
        Assert.Equal((100L, (long?)null, (long?)null), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount));
    }

    // 8
    [Fact]
    public async Task GetResponseAsync_ErrorEchoesTheKey_EveryStringOnTheExceptionIsScrubbed()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(
            $$$"""{"error":{"code":"invalid_api_key","message":"Incorrect API key provided: {{{Key}}}.","param":"{{{Key}}}"}}""", 401, "Unauthorized"));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal("Incorrect API key provided: [REDACTED].", e.ServiceMessage);
        Assert.Equal("[REDACTED]", e.Param);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InStreamErrorEchoesTheKey_IsScrubbed()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
            [$$$"""{"error":{"code":"server_error","message":"key {{{Key}}} rejected"}}"""], done: false));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal("key [REDACTED] rejected", e.ServiceMessage);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
    }

    // 13
    [Fact]
    public async Task GetStreamingResponseAsync_422NamingStreamOptionsOnlyInDetailsLoc_RetriesOnceWithout()
    {
        var rejection = ScriptedReply.Json(
            """{"error":{"code":"Invalid input","status":422,"message":"invalid input error","details":[{"type":"extra_forbidden","loc":["body","stream_options"],"msg":"Extra inputs are not permitted"}]}}""",
            422, "Unprocessable Entity");
        var stream = ScriptedReply.Sse([Chunk("""{"content":"ok"}""", "stop")]);
        await using var server = new LoopbackServer((_, i) => i == 0 ? rejection : stream);
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal("ok", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2, server.Requests.Count);
        Assert.DoesNotContain("stream_options", server.Requests[1].Body, StringComparison.Ordinal);
    }

    // 17
    [Theory]
    [InlineData("\"choices\":null,")]
    [InlineData("\"choices\":[],")]
    [InlineData("\"choices\":{},")]
    [InlineData("")]
    [InlineData("\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":null}],")]
    public async Task GetResponseAsync_NoUsableChoice_IsATypedProtocolErrorThatKeepsTheUsage(string choices)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(
            "{\"id\":\"x\"," + choices + "\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,\"total_tokens\":9}}"));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((200, "invalid_response"), (e.Status, e.ErrorCode));
        Assert.Contains("no usable choice", e.Message, StringComparison.Ordinal);
        Assert.Equal((7L, 2L, 9L), (e.Usage!.InputTokenCount, e.Usage.OutputTokenCount, e.Usage.TotalTokenCount));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OnlyDone_IsATypedProtocolError()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([]));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal((200, "invalid_response"), (e.Status, e.ErrorCode));
        Assert.Contains("no usable choice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OnlyUsageThenDone_IsATypedProtocolErrorThatKeepsTheUsage()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
            ["""{"id":"c","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":0,"total_tokens":4}}"""]));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal("invalid_response", e.ErrorCode);
        Assert.Equal(4L, e.Usage!.InputTokenCount);
    }

    // 18
    [Theory]
    [InlineData("bom", "\uFEFFdata: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ab\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")]
    [InlineData("cr only", "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ab\"},\"finish_reason\":\"stop\"}]}\r\rdata: [DONE]\r\r")]
    public async Task GetStreamingResponseAsync_BomOrCrOnlyEndings_AreRead(string name, string body)
    {
        await using var server = new LoopbackServer(RawSse(body));
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.True("ab" == string.Concat(updates.Select(u => u.Text)), name);
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("text/plain")]
    public async Task GetStreamingResponseAsync_NonSseContentType_IsAPermanentProtocolError(string contentType)
    {
        await using var server = new LoopbackServer(RawSse("<html><body>login</body></html>", contentType));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.IsNotType<StreamTruncatedException>(e);
        Assert.Equal((200, "invalid_response"), (e.Status, e.ErrorCode));
        Assert.Contains(contentType.Split(';')[0], e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_204_IsAPermanentProtocolError()
    {
        await using var server = new LoopbackServer(new ScriptedReply { Status = 204, Reason = "No Content", Body = [] });
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.IsNotType<StreamTruncatedException>(e);
        Assert.Equal((204, "invalid_response"), (e.Status, e.ErrorCode));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LineLongerThanTheCap_IsANamedProtocolError()
    {
        var longLine = "data: {\"id\":\"" + new string('x', Mai.Client.Transport.SseLineReader.MaxLineBytes) + "\"}\n\n";
        await using var server = new LoopbackServer(RawSse(longLine));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard(60))));

        Assert.Equal((200, "response_too_large"), (e.Status, e.ErrorCode));
        Assert.Contains("8388608 bytes", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HugeErrorBody_IsCutAtTheCap()
    {
        var body = "{\"error\":{\"message\":\"" + new string('y', 3 << 20) + "\"}}";
        await using var server = new LoopbackServer(ScriptedReply.Json(body, 500, "Internal Server Error"));
        using var client = NewClient(server, new TransportSettings { IncludeStreamUsage = false });

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard(60))));

        Assert.Equal(500, e.Status);
        Assert.Equal(1 << 20, e.GetRawResponse()!.Content.ToMemory().Length);
    }

    // 20
    [Theory]
    [InlineData("}")]
    [InlineData(" garbage")]
    [InlineData("{\"id\":\"second\"}")]
    public async Task GetResponseAsync_TrailingGarbageAfterTheJson_IsAProtocolError(string trailer)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion() + trailer));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((200, "invalid_response"), (e.Status, e.ErrorCode));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ContentFilterFinishMidStream_IsAContentFilterExceptionWithTheUsage()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            Chunk("""{"content":"Once upon"}"""),
            Chunk("""{"content":" a time"}"""),
            Chunk("""{}""", "content_filter"),
            """{"id":"c-1","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}}""",
        ]));
        using var client = NewClient(server);
        var received = new StringBuilder();

        var e = await Assert.ThrowsAsync<ContentFilterException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
            {
                received.Append(update.Text);
            }
        });

        Assert.Equal("Once upon a time", received.ToString());
        Assert.Equal((200, "content_filter"), (e.Status, e.ErrorCode));
        Assert.Equal(14L, e.Usage!.TotalTokenCount);
    }

    // 15
    [Fact]
    public async Task GetResponseAsync_InvalidUtf8InTheErrorBody_KeepsTheStatus()
    {
        var body = Encoding.UTF8.GetBytes("{\"error\":{\"code\":\"bad\",\"message\":\"caf\u00e9 X\"}}");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        await using var server = new LoopbackServer(new ScriptedReply { Status = 400, Reason = "Bad Request", Headers = [new("Content-Type", "application/json")], Body = body });
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(400, e.Status);
    }

    [Fact]
    public async Task GetResponseAsync_LoneSurrogateEscapeInTheErrorBody_KeepsTheStatusAndCode()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json("""{"error":{"code":"bad","message":"half \ud800 pair"}}""", 400, "Bad Request"));
        using var client = NewClient(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((400, "bad"), (e.Status, e.ErrorCode));
    }
}

public sealed class AzureInferenceChatClientWireTrustTests() : ChatTransportWireTrustTests(TransportUnderTest.AzureInference);

public sealed class OpenAIV1ChatClientWireTrustTests() : ChatTransportWireTrustTests(TransportUnderTest.OpenAIV1);
