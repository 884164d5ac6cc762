using System.Net.Sockets;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>Non-streaming behaviour every transport must share; run once per transport by the derived classes.</summary>
public abstract class ChatTransportResponseTests(TransportUnderTest transport)
{
    private IChatClient NewClient(LoopbackServer server, TransportSettings? settings = null) => transport.Create(server, settings);

    [Fact]
    public async Task GetResponseAsync_ReasoningAndDetailedUsage_MapsEveryField()
    {
        const string body = """
            {"id":"r-1","created":1728073417,"model":"deepseek-r","choices":[{"index":0,"finish_reason":"stop",
             "message":{"role":"assistant","reasoning_content":"think first","content":"<think>raw</think>answer"}}],
             "usage":{"prompt_tokens":20,"completion_tokens":1843,"total_tokens":1863,
              "completion_tokens_details":{"reasoning_tokens":448},"prompt_tokens_details":{"cached_tokens":7}}}
            """;
        await using var server = new LoopbackServer(ScriptedReply.Json(body));
        using var client = NewClient(server);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        var contents = response.Messages.Single().Contents;
        Assert.Equal("think first", Assert.IsType<TextReasoningContent>(contents[0]).Text);
        Assert.Equal("<think>raw</think>answer", Assert.IsType<TextContent>(contents[1]).Text); // splitting <think> is the reasoning layer's job
        Assert.Equal("r-1", response.ResponseId);
        Assert.Equal("deepseek-r", response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1728073417), response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal((20L, 1843L, 1863L, 448L, 7L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount,
            response.Usage.ReasoningTokenCount, response.Usage.CachedInputTokenCount));
        Assert.IsAssignableFrom<Response>(response.RawRepresentation);
    }

    [Fact]
    public async Task GetResponseAsync_ToolCallsWithFinishStopAndUnknownReason_TrustsCallsAndKeepsReason()
    {
        const string body = """
            {"id":"t","choices":[{"index":0,"finish_reason":"function_call","message":{"role":"assistant","content":null,"reasoning":"groq thinking",
             "tool_calls":[{"id":"call_a","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                           {"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]}}],
             "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3,"cached_tokens":1}}
            """;
        await using var server = new LoopbackServer(ScriptedReply.Json(body));
        using var client = NewClient(server);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        var calls = response.Messages.Single().Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_a", "call_b"], calls.Select(c => c.CallId));
        Assert.Equal("Paris", calls[0].Arguments!["city"]!.ToString());
        Assert.Empty(calls[1].Arguments!);
        Assert.Equal("groq thinking", response.Messages.Single().Contents.OfType<TextReasoningContent>().Single().Text);
        Assert.Equal("function_call", response.FinishReason!.Value.Value);
        Assert.Equal(1, response.Usage!.CachedInputTokenCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>gateway says hi</html>")]
    public async Task GetResponseAsync_200WithInvalidJson_ThrowsInvalidResponse(string body)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(body));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal("invalid_response", ex.ErrorCode);
        Assert.Equal(200, ex.Status);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_429_MakesExactlyOneRequestAndKeepsStatusCodeWaitAndHeaders()
    {
        var reply = ScriptedReply.Json("""{"error":{"code":"429","message":"Requests to the ChatCompletions_Create Operation have exceeded the limit. Please retry after 26 seconds."}}""",
            429, "Too Many Requests", ("Retry-After", "26"), ("x-ratelimit-reset-tokens", "26"), ("apim-request-id", "apim-42"));
        await using var server = new LoopbackServer(reply);
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Single(server.Requests);
        Assert.Equal(429, ex.Status);
        Assert.Equal("429", ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(26), ex.RetryAfter);
        Assert.Equal("apim-42", ex.RequestId);
        Assert.True(ex.GetRawResponse()!.Headers.TryGetValue("x-ratelimit-reset-tokens", out var reset));
        Assert.Equal("26", reset);
        Assert.Contains("Please retry after 26 seconds", ex.Message);
    }

    [Theory]
    [InlineData(503, "Service Unavailable")]
    [InlineData(500, "Internal Server Error")]
    [InlineData(408, "Request Timeout")]
    public async Task GetResponseAsync_TransientStatusWithShortRetryAfter_MakesExactlyOneRequest(int status, string reason)
    {
        // The SDKs' own retry policies retry these statuses and honour retry-after-ms: a 1 ms wait makes a second request certain if they are on.
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"code":"busy","message":"try later"}}""", status, reason, ("retry-after-ms", "1")),
            ScriptedReply.Json(Completion()));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Single(server.Requests);
        Assert.Equal((status, "busy", TimeSpan.FromMilliseconds(1)), (ex.Status, ex.ErrorCode, ex.RetryAfter));
        Assert.Equal(transport.ChatTarget, server.Requests.Single().Target);
    }

    [Fact]
    public async Task GetResponseAsync_NumericCodeAndHeaderOnlyCode_AreBothReported()
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"message":"Rate limit exceeded","code":429,"metadata":{}}}""", 429, "Too Many Requests"),
            ScriptedReply.Json("""{"detail":[{"loc":["body","x"],"msg":"Extra inputs are not permitted"}]}""", 422, "Unprocessable", ("x-ms-error-code", "extra_params")),
            ScriptedReply.Json("upstream timeout", 504, "Gateway Timeout", ("x-request-id", "rid-1")));
        using var client = NewClient(server);

        var numeric = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));
        var header = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));
        var text = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal("429", numeric.ErrorCode);
        Assert.Equal("extra_params", header.ErrorCode);
        Assert.Contains("Extra inputs are not permitted", header.ServiceMessage);
        Assert.Equal((504, "upstream timeout", "rid-1"), (text.Status, text.ServiceMessage, text.RequestId));
    }

    [Fact]
    public async Task GetResponseAsync_ContentFilter400_ThrowsContentFilterExceptionWithCategories()
    {
        const string body = """
            {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,
             "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"hate":{"filtered":false,"severity":"safe"},
              "jailbreak":{"filtered":false,"detected":false},"self_harm":{"filtered":true,"severity":"medium"},"custom_blocklists":[{"filtered":true,"id":"b"}]}}}}
            """;
        await using var server = new LoopbackServer(ScriptedReply.Json(body, 400, "Bad Request"));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<ContentFilterException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((400, "content_filter", "prompt", "ResponsibleAIPolicyViolation"), (ex.Status, ex.ErrorCode, ex.Param, ex.InnerErrorCode));
        Assert.Equal(new ContentFilterCategoryResult(true, "medium", null), ex.Categories["self_harm"]);
        Assert.Equal(new ContentFilterCategoryResult(false, null, false), ex.Categories["jailbreak"]);
        Assert.Equal(3, ex.Categories.Count);
    }

    [Fact]
    public async Task GetResponseAsync_401EchoingTheKey_KeepsKeyAndBearerOutOfMessages()
    {
        var body = "{\"error\":{\"message\":\"Incorrect API key provided: " + Key + ". Authorization: Bearer " + Key
            + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}";
        await using var server = new LoopbackServer(ScriptedReply.Json(body, 401, "Unauthorized"));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((401, "invalid_api_key"), (ex.Status, ex.ErrorCode));
        Assert.DoesNotContain(Key, ex.Message);
        Assert.DoesNotContain(Key, ex.ToString());
        Assert.Contains("[REDACTED]", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_ConnectionRefused_ThrowsRequestFailedWithStatusZeroAndConnectionFailure()
    {
        var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var client = transport.Create(new Uri($"http://127.0.0.1:{port}"));

        var ex = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((0, MaiServiceException.ConnectionFailureCode), (ex.Status, ex.ErrorCode));
        Assert.IsNotType<MaiServiceException>(ex); // the service did not answer
        Assert.Contains("[client request id ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Fact]
    public async Task GetResponseAsync_NoHeadersWithinNetworkTimeout_ThrowsTimeoutNamingTheOption()
    {
        await using var server = new LoopbackServer(new ScriptedReply { StallBeforeHeaders = true });
        using var client = NewClient(server, new TransportSettings { NetworkTimeout = TimeSpan.FromMilliseconds(200) });

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Contains("NetworkTimeout", ex.Message);
        // The network timeout runs on the real clock, so under load it can fire before the server has logged the
        // request; what matters is that no second attempt follows (the SDK's own retries are off).
        Assert.InRange(server.Requests.Count, 0, 1);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancelsWhileServerStalls_ThrowsOperationCanceled()
    {
        await using var server = new LoopbackServer(new ScriptedReply { StallBeforeHeaders = true });
        using var client = NewClient(server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        var call = client.GetResponseAsync(Hello(), cancellationToken: cts.Token);
        while (server.Requests.Count == 0)
        {
            await Task.Yield();
        }

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }
}
