using System.Collections.Frozen;
using System.Text.Json;
using Azure;
using Azure.Core;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport.Anthropic;

/// <summary>The Messages transport at the byte level: what it writes, how it authenticates, and how errors are classified.</summary>
public sealed class AnthropicMessagesChatClientTests
{
    private const string Message = """{"model":"claude-opus-4-6","id":"msg_01A","type":"message","role":"assistant","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":2}}""";

    private static AnthropicMessagesChatClient Client(LoopbackServer server, AnthropicMessagesChatClientOptions? options = null) =>
        new(new Uri(server.Endpoint, "/anthropic"), new AzureKeyCredential("secret-key-1234"), options ?? new AnthropicMessagesChatClientOptions { DefaultModelId = "claude-opus-4-6" });

    [Fact]
    public async Task GetResponse_Defaults_PostsToV1MessagesWithVersionKeyAndTableMaxTokens()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Message));
        using var client = Client(server);

        var response = await client.GetResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard());

        var request = Assert.Single(server.Requests);
        Assert.Equal("/anthropic/v1/messages", request.Target);
        Assert.Equal("2023-06-01", request.Headers.Single(h => h.Key.Equals("anthropic-version", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal("secret-key-1234", request.Headers.Single(h => h.Key.Equals("api-key", StringComparison.OrdinalIgnoreCase)).Value);
        Assert.Equal("""{"model":"claude-opus-4-6","max_tokens":16000,"messages":[{"role":"user","content":[{"type":"text","text":"hello"}]}]}""", request.Body);
        Assert.Equal("Hi", response.Text);
        Assert.Equal(5, response.Usage!.InputTokenCount);
        Assert.Null(response.Usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task GetResponse_ConversationWithSignedAndRedactedThinkingToolCallAndResult_WrittenBackUnchanged()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Message));
        using var client = Client(server, new AnthropicMessagesChatClientOptions { DefaultModelId = "claude-haiku-4-5", ApiKeyHeaderName = "x-api-key" });
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "weather?"),
            new(ChatRole.Assistant,
            [
                new TextReasoningContent(string.Empty) { ProtectedData = "REDACTED-DATA", AdditionalProperties = new() { ["anthropic.redacted_thinking"] = true } },
                new TextReasoningContent("I should "),
                new TextReasoningContent("call it."),
                new TextReasoningContent(string.Empty) { ProtectedData = "SIG" },
                new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }),
            ]),
            new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "21 C")]),
        ];
        var options = new ChatOptions { MaxOutputTokens = 2000, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High }, StopSequences = ["END"] };

        await client.GetResponseAsync(messages, options, TransportTestKit.Guard());

        var request = Assert.Single(server.Requests);
        Assert.Contains(request.Headers, h => h.Key.Equals("x-api-key", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(
            """{"model":"claude-haiku-4-5","max_tokens":2000,"system":"Be brief.","messages":[{"role":"user","content":[{"type":"text","text":"weather?"}]},"""
            + """{"role":"assistant","content":[{"type":"redacted_thinking","data":"REDACTED-DATA"},{"type":"thinking","thinking":"I should call it.","signature":"SIG"},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}]},"""
            + """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"21 C"}]}],"thinking":{"type":"enabled","budget_tokens":1999},"stop_sequences":["END"]}""",
            request.Body);
    }

    [Fact]
    public async Task GetResponse_ThinkingButMaxTokensTooSmall_ArgumentExceptionBeforeSending()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Message));
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(TransportTestKit.Hello(), new ChatOptions { MaxOutputTokens = 500, Reasoning = new() { Effort = ReasoningEffort.Low } }, TransportTestKit.Guard()));

        Assert.StartsWith("ChatOptions.MaxOutputTokens (500) leaves no room for thinking", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetResponse_NoModel_ArgumentExceptionNamingIt()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Message));
        using var client = Client(server, new AnthropicMessagesChatClientOptions());

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard()));

        Assert.Contains("ChatOptions.ModelId", ex.Message, StringComparison.Ordinal);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task GetResponse_ErrorBody_TypedWithStatusTypeAndRequestIdAndNoKey()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(
            """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded secret-key-1234"},"request_id":"req_011CX7J5"}""", 529, "Overloaded", ("x-should-retry", "true")));
        using var client = Client(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard()));

        Assert.Equal((529, "overloaded_error", "req_011CX7J5"), (ex.Status, ex.ErrorCode, ex.RequestId));
        Assert.True(FailureFacts.Read(ex, TimeProvider.System).ShouldRetry); // x-should-retry reaches the classifier through the exception
        Assert.Equal("The service answered HTTP 529 (Overloaded), code 'overloaded_error': Overloaded [REDACTED] [request id req_011CX7J5]", ex.Message);
    }

    [Theory]
    [InlineData(529, null, true)]
    [InlineData(500, "false", false)]
    [InlineData(409, "true", true)]
    [InlineData(404, "true", false)]
    [InlineData(409, null, false)]
    public void Classify_XShouldRetry_OverridesTheStatusList(int status, string? shouldRetry, bool transient)
    {
        var response = new FakeResponse(status, shouldRetry);
        var exception = new RequestFailedException(response);

        var failure = TransientFailureClassifier.Classify(exception, ResilienceDefaults.RetryableStatusCodes().ToFrozenSet(), TimeProvider.System, CancellationToken.None);

        Assert.Equal(transient, failure.IsTransient);
    }

    [Fact]
    public void Constructor_PlainHttpToRemoteHost_RefusedNamingTheRule()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AnthropicMessagesChatClient(new Uri("http://r.services.ai.azure.com/anthropic"), new AzureKeyCredential("k")));

        Assert.Contains("plain http", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TokenCredential_UsesFoundryScopeAndForgivesAPastedMessagesPath()
    {
        using var client = new AnthropicMessagesChatClient(new Uri("https://r.services.ai.azure.com/anthropic/v1/messages"), new Azure.Identity.DefaultAzureCredential());

        Assert.Equal("https://ai.azure.com/.default", client.TokenScope);
        Assert.Equal(new Uri("https://r.services.ai.azure.com/anthropic/v1/messages"), client.MessagesUri);
    }

    [Theory]
    [InlineData("https://r.services.ai.azure.com/anthropic", null, MaiTransport.AnthropicMessages)]
    [InlineData("https://r.services.ai.azure.com/anthropic/", null, MaiTransport.AnthropicMessages)]
    [InlineData("https://r.services.ai.azure.com/models", null, MaiTransport.AzureInference)]
    [InlineData("https://r.services.ai.azure.com/anthropic", MaiTransport.OpenAIV1, MaiTransport.OpenAIV1)]
    public void TransportFor_EndpointPathOrExplicitChoice(string endpoint, MaiTransport? chosen, MaiTransport expected)
    {
        var deployment = new MaiDeployment { Endpoint = new Uri(endpoint), Model = "m", Transport = chosen };

        Assert.Equal(expected, MaiPipeline.TransportFor(deployment, new MaiClientOptions()));
    }

    [Fact]
    public void Options_BadKeyHeader_RejectedNamingTheProperty()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AnthropicMessagesChatClient(new Uri("https://r.services.ai.azure.com/anthropic"), new AzureKeyCredential("k"), new AnthropicMessagesChatClientOptions { ApiKeyHeaderName = "authorization" }));

        Assert.StartsWith("AnthropicMessagesChatClientOptions.ApiKeyHeaderName must be 'api-key' or 'x-api-key' (was 'authorization').", ex.Message, StringComparison.Ordinal);
    }

    private sealed class FakeResponse(int status, string? shouldRetry) : Response
    {
        public override int Status => status;

        public override string ReasonPhrase => "x";

        public override Stream? ContentStream { get; set; }

        public override string ClientRequestId { get; set; } = string.Empty;

        public override void Dispose()
        {
        }

        protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

        protected override IEnumerable<HttpHeader> EnumerateHeaders() => shouldRetry is null ? [] : [new HttpHeader("x-should-retry", shouldRetry)];

        protected override bool TryGetHeader(string name, out string value)
        {
            value = shouldRetry ?? string.Empty;
            return shouldRetry is not null && name.Equals("x-should-retry", StringComparison.OrdinalIgnoreCase);
        }

        protected override bool TryGetHeaderValues(string name, out IEnumerable<string> values)
        {
            values = shouldRetry is null ? [] : [shouldRetry];
            return TryGetHeader(name, out _);
        }
    }
}

/// <summary>Stream details the recordings show: gzip-encoded SSE, pings, whitespace inside <c>data:</c> objects.</summary>
public sealed class AnthropicStreamDetailsTests
{
    private const string Sse =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-haiku-4-5\",\"id\":\"msg_01B\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":7,\"output_tokens\":1}        }}\n\n"
        + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
        + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}   }\n\n"
        + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}     }\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo\"}}\n\n"
        + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0 }\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":9,\"output_tokens\":3}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"       }\n\n";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_PingsWhitespaceAndGzip_AreOrdinaryAndFinalUsageIsMessageDeltas(bool gzip)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(Sse);
        List<KeyValuePair<string, string>> headers = [new("Content-Type", "text/event-stream; charset=utf-8")];
        if (gzip)
        {
            using var buffer = new MemoryStream();
            using (var zip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            bytes = buffer.ToArray();
            headers.Add(new("Content-Encoding", "gzip"));
        }

        await using var server = new LoopbackServer(new ScriptedReply { Headers = headers, Parts = [.. bytes.Chunk(13)] });
        using var client = new AnthropicMessagesChatClient(new Uri(server.Endpoint, "/anthropic"), new AzureKeyCredential("k"), new AnthropicMessagesChatClientOptions { DefaultModelId = "claude-haiku-4-5" });

        var updates = await TransportTestKit.CollectAsync(client.GetStreamingResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard()));

        var response = updates.ToChatResponse();
        Assert.Equal("Hello", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((9L, 3L, 0L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value, response.Usage.CachedInputTokenCount!.Value));
    }
}
