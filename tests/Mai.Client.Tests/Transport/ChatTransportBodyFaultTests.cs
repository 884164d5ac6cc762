using System.Collections.Frozen;
using System.Text;
using Azure;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>
/// Issue 12, item 15: a body that breaks at the byte level (unmet Content-Length, bad chunked framing, a reset before or after
/// the headers) or that is not valid UTF-8 reaches the caller as a typed <see cref="MaiServiceException"/> with the status (0
/// when no response arrived), a code and the request id, on every transport, streamed and not; and the resilience layer
/// classifies a broken connection as it always did (retryable, <c>connection_failure</c>).
/// </summary>
public sealed class ChatTransportBodyFaultTests
{
    private const string RequestId = "req-body-fault-1";

    public static TheoryData<string, bool> EveryTransportAndMode =>
        [.. RawWire.Names.SelectMany(n => new[] { (n, false), (n, true) })];

    private static ScriptedReply Broken(RawWire wire, bool streaming, Func<byte[], IReadOnlyList<byte[]>> parts, bool reset = false, params (string, string)[] headers) => new()
    {
        Headers =
        [
            new("Content-Type", streaming ? "text/event-stream" : "application/json"),
            new("x-request-id", RequestId),
            .. headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)),
        ],
        Parts = parts(RawWire.Utf8(streaming ? wire.OkStreamBody() : wire.OkJson)),
        ResetAfterParts = reset,
    };

    private static async Task<(MaiServiceException Error, int Updates)> FailAsync(IChatClient client, bool streaming)
    {
        var updates = 0;
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (!streaming)
            {
                await client.GetResponseAsync(Hello(), cancellationToken: Guard());
                return;
            }

            await foreach (var _ in client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
            {
                updates++;
            }
        });
        return (Assert.IsType<MaiServiceException>(error, exactMatch: false), updates);
    }

    private static AttemptFailure Classify(Exception e) =>
        TransientFailureClassifier.Classify(e, ResilienceDefaults.RetryableStatusCodes().ToFrozenSet(), TimeProvider.System, CancellationToken.None);

    private static void AssertConnectionFailureAfterHeaders(MaiServiceException e)
    {
        Assert.IsNotType<StreamTruncatedException>(e);
        Assert.Equal((200, MaiServiceException.ConnectionFailureCode, RequestId), (e.Status, e.ErrorCode, e.RequestId));
        Assert.IsAssignableFrom<IOException>(e.InnerException);
        Assert.Equal(new AttemptFailure(true, null, "connection_failure", null), Classify(e));
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_BodyShorterThanContentLength_TypedConnectionFailureWithStatusAndRequestId(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(Broken(wire, streaming, body => [body[..20]], false, ("Content-Length", "100000")));
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming);

        AssertConnectionFailureAfterHeaders(e);
        Assert.Equal(0, updates);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_BadChunkedFraming_TypedConnectionFailureWithStatusAndRequestId(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(Broken(wire, streaming, body => [Encoding.ASCII.GetBytes("5\r\n"), body[..5], Encoding.ASCII.GetBytes("\r\nZZ\r\n")], false, ("Transfer-Encoding", "chunked")));
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming);

        AssertConnectionFailureAfterHeaders(e);
        Assert.Equal(0, updates);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_ResetAfterTheHeaders_TypedConnectionFailureWithStatusAndRequestId(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(Broken(wire, streaming, _ => [], reset: true));
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming);

        AssertConnectionFailureAfterHeaders(e);
        Assert.Equal(0, updates);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_ResetBeforeTheHeaders_RequestFailedWithStatusZeroConnectionFailureAndTheClientRequestId(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(new ScriptedReply { ResetBeforeHeaders = true });
        using var client = wire.Create(server);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => streaming
            ? (Task)CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
            : client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal((0, MaiServiceException.ConnectionFailureCode), (e.Status, e.ErrorCode));
        var sent = Assert.Single(server.Requests).Header("x-ms-client-request-id");
        Assert.NotNull(sent);
        Assert.EndsWith($"[client request id {sent}]", e.Message, StringComparison.Ordinal);
        Assert.Equal(new AttemptFailure(true, null, "connection_failure", null), Classify(e));
        Assert.True(FailureFacts.Read(e, TimeProvider.System).NeverReachedService);
        Assert.DoesNotContain(Key, e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_InvalidUtf8InTheAnswer_TypedInvalidResponse(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        var body = RawWire.Utf8((streaming ? wire.OkStreamBody() : wire.OkJson).Replace("\"Hi\"", "\"H\u00e9X\"", StringComparison.Ordinal));
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Headers = [new("Content-Type", streaming ? "text/event-stream" : "application/json"), new("x-request-id", RequestId)],
            Body = body,
        });
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming);

        Assert.Equal((200, "invalid_response", RequestId), (e.Status, e.ErrorCode, e.RequestId));
        Assert.False(Classify(e).IsTransient);
        Assert.Equal(0, updates);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_LoneSurrogateEscapeInTheAnswer_TypedInvalidResponse(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        var text = (streaming ? wire.OkStreamBody() : wire.OkJson).Replace("\"Hi\"", "\"half \\ud800 pair\"", StringComparison.Ordinal);
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Headers = [new("Content-Type", streaming ? "text/event-stream" : "application/json"), new("x-request-id", RequestId)],
            Body = RawWire.Utf8(text),
        });
        using var client = wire.Create(server);

        var (e, _) = await FailAsync(client, streaming);

        Assert.Equal((200, "invalid_response", RequestId), (e.Status, e.ErrorCode, e.RequestId));
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_ErrorBodyWithOneInvalidByte_StillThat400WithItsCode(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        var body = RawWire.Utf8("{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"code\":\"bad_thing\",\"message\":\"caf\u00e9 X\"}}");
        body[Array.IndexOf(body, (byte)'X')] = 0xFF;
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Status = 400,
            Reason = "Bad Request",
            Headers = [new("Content-Type", "application/json"), new("x-request-id", RequestId)],
            Body = body,
        });
        using var client = wire.Create(server, new TransportSettings { IncludeStreamUsage = false });

        var (e, _) = await FailAsync(client, streaming);

        Assert.Equal((400, "bad_thing", RequestId), (e.Status, e.ErrorCode, e.RequestId));
        Assert.False(Classify(e).IsTransient);
        Assert.Single(server.Requests);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_ErrorBodyCutShortOfContentLength_StillThatStatus(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Status = 400,
            Reason = "Bad Request",
            Headers = [new("Content-Type", "application/json"), new("x-request-id", RequestId), new("Content-Length", "5000")],
            Parts = [RawWire.Utf8("{\"error\":{\"code\":\"bad_thing\",\"mess")],
        });
        using var client = wire.Create(server, new TransportSettings { IncludeStreamUsage = false });

        var (e, _) = await FailAsync(client, streaming);

        Assert.Equal((400, RequestId), (e.Status, e.RequestId));
        Assert.False(Classify(e).IsTransient);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Stream_MessagesApiResetAfterMessageStart_TypedConnectionFailureCarryingTheReportedUsageAndNoUpdate()
    {
        // message_start reports the input tokens before any content: the usage rides on the exception (an update carrying it
        // would be the stream's first and would commit it, so the resilience layer could no longer retry).
        var wire = RawWire.AnthropicMessages;
        await using var server = new LoopbackServer(Broken(wire, true, _ => [RawWire.Utf8(RawWire.Sse([wire.UsageFirstEvent!]))], reset: true));
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming: true);

        AssertConnectionFailureAfterHeaders(e);
        Assert.Equal(0, updates);
        Assert.Equal(25L, e.Usage!.InputTokenCount);
    }

    [Fact]
    public async Task Stream_ResetAfterText_UpdatesThenTypedConnectionFailure()
    {
        foreach (var wire in new[] { RawWire.AzureInference, RawWire.OpenAIV1, RawWire.AnthropicMessages })
        {
            await using var server = new LoopbackServer(Broken(wire, true, _ => [RawWire.Utf8(RawWire.Sse([.. wire.UsageFirstEvent is { } u ? new[] { u } : [], wire.TextEvent("Hello")]))], reset: true));
            using var client = wire.Create(server);

            var (e, updates) = await FailAsync(client, streaming: true);

            AssertConnectionFailureAfterHeaders(e);
            Assert.True(updates >= 1, wire.Name);
        }
    }

    [Fact]
    public async Task Pipeline_MessagesApiResetAfterMessageStart_RetriedAndTheFailedAttemptKeepsItsReportedUsage()
    {
        // The known gap of issue 12 item 15: before, the raw IOException made the usage an update, which committed the stream
        // (StreamInterruptedException, no retry). Now the reset attempt is retried and billed at the input it reported.
        var wire = RawWire.AnthropicMessages;
        var broken = Broken(wire, true, _ => [RawWire.Utf8(RawWire.Sse([wire.UsageFirstEvent!]))], reset: true);
        var whole = new ScriptedReply { Headers = [new("Content-Type", "text/event-stream")], Parts = [RawWire.Utf8(wire.OkStreamBody())] };
        await using var server = new LoopbackServer((_, i) => i == 0 ? broken : whole);
        var clock = new TestSupport.TestClock();
        var ledger = new Mai.Client.Accounting.UsageLedger();
        using var client = new MaiClient(new MaiClientOptions
        {
            Endpoint = new Uri(server.Endpoint, "/anthropic"),
            Model = "claude-opus-4-6",
            ApiKey = Key,
            TimeProvider = clock,
            Ledger = ledger,
        });

        var outcome = await Integration.CallOutcome.RunAsync(client, clock, streaming: true);

        var result = outcome.Ok;
        Assert.Equal("Hi", result.Answer);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal((1, (int?)null, "connection_failure"), (result.Attempts[0].Number, result.Attempts[0].Status, result.Attempts[0].Reason));
        var records = ledger.GetRecords();
        Assert.Equal(2, records.Count);
        Assert.Equal((Mai.Client.Accounting.UsageOutcome.Failed, Mai.Client.Accounting.UsageSource.Reported, 25L), (records[0].Outcome, records[0].Source, records[0].Usage.InputTokenCount));
        Assert.Equal((Mai.Client.Accounting.UsageOutcome.Succeeded, 25L, 2L), (records[1].Outcome, records[1].Usage.InputTokenCount, records[1].Usage.OutputTokenCount));
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_RedirectToAnotherOrigin_RefusedTypedAndTheKeyNeverLeaves(string transport, bool streaming)
    {
        // Item 16 (one redirect rule for every path): the Messages transport's own HttpClient followed redirects, key and all.
        var wire = RawWire.Get(transport);
        await using var elsewhere = new LoopbackServer(ScriptedReply.Json(wire.OkJson));
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Status = 307,
            Reason = "Temporary Redirect",
            Headers = [new("Location", new Uri(elsewhere.Endpoint, "/steal").ToString())],
            Body = [],
        });
        using var client = wire.Create(server);

        var (e, _) = await FailAsync(client, streaming);

        Assert.Equal((307, "redirect_refused"), (e.Status, e.ErrorCode));
        Assert.Empty(elsewhere.Requests);
        Assert.Single(server.Requests);
        Assert.False(Classify(e).IsTransient);
    }

    [Theory]
    [MemberData(nameof(EveryTransportAndMode))]
    public async Task Call_Utf8BomBeforeTheBody_Read(string transport, bool streaming)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Headers = [new("Content-Type", streaming ? "text/event-stream" : "application/json")],
            Body = [0xEF, 0xBB, 0xBF, .. RawWire.Utf8(streaming ? wire.OkStreamBody() : wire.OkJson)],
        });
        using var client = wire.Create(server);

        var text = streaming
            ? string.Concat((await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).Select(u => u.Text))
            : (await client.GetResponseAsync(Hello(), cancellationToken: Guard())).Text;

        Assert.Equal("Hi", text);
    }

    [Fact]
    public async Task Stream_MessagesApiOnlyMessageStop_IsATypedProtocolError()
    {
        var wire = RawWire.AnthropicMessages;
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Headers = [new("Content-Type", "text/event-stream")],
            Parts = [RawWire.Utf8(RawWire.Sse(["""{"type":"message_stop"}"""]))],
        });
        using var client = wire.Create(server);

        var (e, updates) = await FailAsync(client, streaming: true);

        Assert.Equal((200, "invalid_response"), (e.Status, e.ErrorCode));
        Assert.Equal(0, updates);
    }
}
