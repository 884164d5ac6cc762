using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>Streaming behaviour every transport must share; run once per transport by the derived classes.</summary>
public abstract class ChatTransportStreamingTests(TransportUnderTest transport)
{
    private const string Usage = """{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}""";

    private IChatClient NewClient(LoopbackServer server, TransportSettings? settings = null) => transport.Create(server, settings);

    [Fact]
    public async Task GetStreamingResponseAsync_ReasoningThenText_YieldsOneUpdatePerDeltaAndUsageOnceAtTheEnd()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            Chunk("""{"role":"assistant","content":""}"""),
            Chunk("""{"reasoning_content":"Let me "}"""),
            Chunk("""{"reasoning_content":"think."}"""),
            Chunk("""{"content":"Hel"}"""),
            Chunk("""{"content":"lo"}"""),
            Chunk("""{"content":""}""", "stop", """{"prompt_tokens":10,"completion_tokens":4,"total_tokens":14,"completion_tokens_details":{"reasoning_tokens":2}}"""),
        ]));
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(6, updates.Count); // role-only chunk skipped; 4 deltas; finish; usage
        Assert.Equal(["Let me ", "think."], updates.Take(2).Select(u => Assert.IsType<TextReasoningContent>(Assert.Single(u.Contents)).Text));
        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[4].FinishReason);
        var usage = Assert.IsType<UsageContent>(Assert.Single(updates[5].Contents)).Details;
        Assert.Equal((10L, 4L, 14L, 2L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.ReasoningTokenCount));
        Assert.All(updates, u => Assert.Equal(("c-1", "c-1", "m-1", ChatRole.Assistant), (u.ResponseId, u.MessageId, u.ModelId, u.Role!.Value)));
        Assert.All(updates, u => Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1727989992), u.CreatedAt));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Default_AsksForUsageWithPassThroughHeaderAndEventStreamAccept()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"x"}""", "stop")]));
        using var client = NewClient(server);

        await CollectAsync(client.GetStreamingResponseAsync(Hello(), new ChatOptions { AdditionalProperties = new() { ["top_k_custom"] = 3 } }, Guard()));

        var request = server.Requests.Single();
        Assert.Equal("""{"messages":[{"role":"user","content":"hello"}],"stream":true,"stream_options":{"include_usage":true},"top_k_custom":3}""", request.Body);
        Assert.Equal(transport.PassThroughHeader, request.Header("extra-parameters"));
        Assert.Equal(transport.ChatTarget, request.Target);
        Assert.Equal("text/event-stream", request.Header("Accept"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamOptionsRejected_RetriesOnceWithoutAndNeverSendsItAgain()
    {
        var rejection = ScriptedReply.Json("""{"error":{"code":"invalid_request","message":"Unrecognized request argument supplied: stream_options","param":null}}""", 400, "Bad Request");
        var stream = ScriptedReply.Sse([Chunk("""{"content":"ok"}""", "stop")]);
        await using var server = new LoopbackServer((_, i) => i == 0 ? rejection : stream);
        using var client = NewClient(server);

        var first = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));
        var second = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("stream_options", server.Requests[0].Body);
        Assert.DoesNotContain("stream_options", server.Requests[1].Body);
        Assert.DoesNotContain("stream_options", server.Requests[2].Body);
        Assert.Null(server.Requests[2].Header("extra-parameters"));
        Assert.Equal("ok", first.ToChatResponse().Text);
        Assert.Equal("ok", second.ToChatResponse().Text);
        Assert.DoesNotContain(first.Concat(second), u => u.Contents.OfType<UsageContent>().Any()); // absent, so accounting estimates
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OtherBadRequest_ThrowsWithoutRetrying()
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"code":"unknown_model","message":"Unknown model: x","details":null}}""", 400, "Bad Request", ("x-ms-error-code", "unknown_model")));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));
        await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal((400, "unknown_model", "Unknown model: x"), (ex.Status, ex.ErrorCode, ex.ServiceMessage));
        Assert.Equal(2, server.Requests.Count); // one request per call: not retried, and
        Assert.Contains("stream_options", server.Requests[1].Body); // stream_options not given up for an unrelated error
    }

    [Fact]
    public async Task GetStreamingResponseAsync_429WithShortRetryAfter_MakesExactlyOneRequestAndKeepsTheWait()
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"code":"429","message":"Rate limit is exceeded."}}""", 429, "Too Many Requests", ("retry-after-ms", "1"), ("x-ratelimit-remaining-tokens", "0")),
            ScriptedReply.Sse([Chunk("""{"content":"late"}""", "stop")]));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Single(server.Requests);
        Assert.Equal((429, "429", TimeSpan.FromMilliseconds(1)), (ex.Status, ex.ErrorCode, ex.RetryAfter));
        Assert.True(ex.GetRawResponse()!.Headers.TryGetValue("x-ratelimit-remaining-tokens", out var remaining));
        Assert.Equal("0", remaining);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PromptFilteredAsPlainJson400_ThrowsContentFilterExceptionWithoutRetrying()
    {
        const string body = """
            {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter","status":400,
             "innererror":{"code":"ResponsibleAIPolicyViolation","content_filter_result":{"violence":{"filtered":true,"severity":"high"}}}}}
            """;
        await using var server = new LoopbackServer(ScriptedReply.Json(body, 400, "Bad Request"));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<ContentFilterException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Single(server.Requests);
        Assert.Equal((400, "content_filter", "ResponsibleAIPolicyViolation"), (ex.Status, ex.ErrorCode, ex.InnerErrorCode));
        Assert.Equal(new ContentFilterCategoryResult(true, "high", null), ex.Categories["violence"]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServerSilentLongerThanNetworkTimeoutBetweenChunks_ThrowsTimeoutNamingTheOption()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"first"}""")], done: false, stall: true));
        var clock = new TestClock();
        using var client = NewClient(server, new TransportSettings { NetworkTimeout = TimeSpan.FromSeconds(30), TimeProvider = clock });
        var seen = new List<string>();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(
            async () =>
            {
                await foreach (var update in client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
                {
                    seen.Add(update.Text);
                    first.TrySetResult();
                }
            },
            TestContext.Current.CancellationToken);

        await first.Task.WaitAsync(Guard());
        Assert.False(reading.IsCompleted); // a silent server ends the stream only by the client's clock, never by the real one

        // Everything the server sent has arrived: only reads of a silent server are armed from here on.
        await clock.DriveAsync(reading);
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => reading);

        Assert.Equal(["first"], seen);
        Assert.Contains("NetworkTimeout", ex.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoHeadersWithinNetworkTimeout_ThrowsTimeoutByTheClientsClock()
    {
        await using var server = new LoopbackServer(new ScriptedReply { StallBeforeHeaders = true });
        var clock = new TestClock();
        using var client = NewClient(server, new TransportSettings { NetworkTimeout = TimeSpan.FromSeconds(30), TimeProvider = clock });

        var reading = CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));
        Assert.Equal(TimeSpan.FromSeconds(30), await clock.NextTimerAsync()); // armed for the send
        await server.Stalling.Task.WaitAsync(Guard()); // the request arrived
        clock.Advance(TimeSpan.FromSeconds(30));
        var ex = await Assert.ThrowsAsync<TimeoutException>(() => reading);

        Assert.Contains("NetworkTimeout", ex.Message);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InMemoryHandler_StreamsAndEndsCleanly()
    {
        // An application's test double answers from memory (a MemoryStream body, which pipelines treat as buffered): the
        // stream must read and dispose it like a network body.
        var body = "data: " + Chunk("""{"content":"Hi"}""") + "\n\ndata: " + Chunk("{}", "stop", Usage) + "\n\ndata: [DONE]\n\n";
        using var handler = new InMemoryHandler(body);
        using var client = transport.Create(new Uri("http://127.0.0.1:1"), new TransportSettings { HttpClient = new HttpClient(handler) });

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        Assert.Equal(("Hi", ChatFinishReason.Stop, 14L), (response.Text, response.FinishReason, response.Usage!.TotalTokenCount));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ClosedWithoutDoneOrFinish_ThrowsTruncated()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"partial"}""")], done: false));
        using var client = NewClient(server);
        var seen = new List<string>();

        var ex = await Assert.ThrowsAsync<StreamTruncatedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Equal(["partial"], seen);
        Assert.Contains("truncated", ex.Message);
        Assert.Equal((StreamTruncatedException.Code, 1), (ex.ErrorCode, ex.EventsReceived));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishReasonWithoutDone_Succeeds()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"all"}"""), Chunk("{}", "length", Usage)], done: false));
        using var client = NewClient(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        Assert.Equal(("all", ChatFinishReason.Length, 14L), (response.Text, response.FinishReason, response.Usage!.TotalTokenCount));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelWhileServerStalls_EndsAtOnceWithOperationCanceled()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"first"}""")], done: false, stall: true));
        using var client = NewClient(server);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Guard());
        var seen = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Hello(), cancellationToken: cts.Token))
            {
                seen.Add(update.Text);
                await server.Stalling.Task.WaitAsync(Guard());
                await cts.CancelAsync(); // the next read is stalled on the server: cancellation must interrupt it
            }
        });

        Assert.Equal(["first"], seen);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InBandErrorEvent_ThrowsWithItsCodeAndMessage()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
            [Chunk("""{"content":"so far"}"""), """{"error":{"code":"server_overloaded","message":"The server is overloaded, try later."}}"""], done: false));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal(("server_overloaded", "The server is overloaded, try later."), (ex.ErrorCode, ex.ServiceMessage));
        Assert.Contains("inside the response stream", ex.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MalformedEvent_ThrowsInvalidResponse()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse([Chunk("""{"content":"a"}"""), """{"choices":[{"delta":"""]));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal("invalid_response", ex.ErrorCode);
        Assert.Contains("not valid JSON", ex.Message);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InterleavedIndexedToolCalls_ReassemblesEachCallOnTheFinishUpdate()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"weather","arguments":""}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"time","arguments":"{\"tz\":"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"""),
            Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"\"UTC\"}"}}]}"""),
            Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Paris\"}"}}]}"""),
            Chunk("{}", "tool_calls"),
        ]));
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        var finish = Assert.Single(updates);
        Assert.Equal(ChatFinishReason.ToolCalls, finish.FinishReason);
        var calls = finish.Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal([("call_a", "weather", "Paris"), ("call_b", "time", "UTC")],
            calls.Select(c => (c.CallId, c.Name, c.Arguments!.Values.Single()!.ToString())));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_MistralWholeCallsWithoutIndex_KeepsCallsApartById()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            Chunk("""{"content":"","tool_calls":[{"id":"m1","function":{"name":"f","arguments":"{\"a\":1}"}}]}"""),
            Chunk("""{"content":"","tool_calls":[{"id":"m2","function":{"name":"g","arguments":"{\"b\":2}"}}]}""", "tool_calls", Usage),
        ]));
        using var client = NewClient(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["m1:f:1", "m2:g:2"], calls.Select(c => $"{c.CallId}:{c.Name}:{c.Arguments!.Values.Single()}"));
        Assert.Equal(14, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UsageOnEveryChunkAndFilterChunks_TakesLastUsageAndSkipsEmptyChunks()
    {
        await using var server = new LoopbackServer(ScriptedReply.Sse(
        [
            """{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""",
            Chunk("""{"content":"a"}""", null, """{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11}"""),
            Chunk("""{"content":"b"}""", null, """{"prompt_tokens":10,"completion_tokens":2,"total_tokens":12}"""),
            Chunk("""{"content":""}""", "stop", """{"prompt_tokens":10,"completion_tokens":3,"total_tokens":13}"""),
            """{"choices":[{"content_filter_offsets":{"check_offset":0,"start_offset":0,"end_offset":2},"content_filter_results":{"hate":{"filtered":false,"severity":"safe"}},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}""",
        ]));
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(["a", "b", "", ""], updates.Select(u => u.Text));
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal((10L, 3L, 13L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount));
    }

    private sealed class InMemoryHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body)) { Headers = { { "Content-Type", "text/event-stream" } } },
            });
    }
}
