using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Tests.Transport;
using Mai.Emulator;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mai.Client.Tests.Integration.Proof;

/// <summary>A transport as the proof drives it: through <see cref="MaiClient"/>, against the emulator or a raw server.</summary>
internal sealed record ProofTransport(string Name, MaiTransport Transport, string RawPath, string Model, RawWire Wire)
{
    public static readonly ProofTransport AzureInference = new("azure-inference", MaiTransport.AzureInference, "/models", "MAI-Thinking-1", RawWire.AzureInference);
    public static readonly ProofTransport OpenAIV1 = new("openai-v1", MaiTransport.OpenAIV1, "/openai/v1", "MAI-Thinking-1", RawWire.OpenAIV1);
    public static readonly ProofTransport AnthropicMessages = new("anthropic-messages", MaiTransport.AnthropicMessages, "/anthropic", "claude-haiku-4-5", RawWire.AnthropicMessages);

    public static IReadOnlyList<ProofTransport> All { get; } = [AzureInference, OpenAIV1, AnthropicMessages];

    public Uri EmulatorEndpoint(MaiEmulator emu) => Transport == MaiTransport.AnthropicMessages ? emu.AnthropicEndpoint : new Uri(emu.Endpoint, RawPath);

    public override string ToString() => Name;
}

/// <summary>The figures of one fault on one transport in one mode.</summary>
internal sealed record ProofRow(string Fault, string Transport, bool Streaming, int Calls, int Succeeded, int Typed, IReadOnlyList<string> Untyped, int ServerRequests, int ExpectedRecords, int Records)
{
    /// <summary>Gets each call's attempt reasons and the records' outcome/source, printed when a record is lost or duplicated.</summary>
    public string Detail { get; init; } = string.Empty;

    public int Lost => Math.Max(0, ExpectedRecords - Records);

    public int Duplicated => Math.Max(0, Records - ExpectedRecords);

    public static string Header => string.Format(CultureInfo.InvariantCulture, "{0,-34} {1,-18} {2,-6} {3,5} {4,5} {5,5} {6,7} {7,6} {8,7} {9,7} {10,4} {11,4}",
        "fault", "transport", "mode", "calls", "ok", "typed", "untyped", "server", "expect", "records", "lost", "dup");

    public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0,-34} {1,-18} {2,-6} {3,5} {4,5} {5,5} {6,7} {7,6} {8,7} {9,7} {10,4} {11,4}{12}",
        Fault, Transport, Streaming ? "stream" : "ask", Calls, Succeeded, Typed, Untyped.Count, ServerRequests, ExpectedRecords, Records, Lost, Duplicated,
        (Untyped.Count > 0 ? "  untyped: " + string.Join(", ", Untyped) : string.Empty) + (Lost + Duplicated > 0 ? "  " + Detail : string.Empty));
}

/// <summary>
/// Runs a <see cref="ProofFault"/>'s calls through a fresh <see cref="MaiClient"/> per transport and mode, on a fake clock (retry
/// waits are advanced, never slept), and counts: how each call ended, the requests the server received, the usage records.
/// </summary>
internal static class ProofRig
{
    private static readonly TimeSpan StallLength = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Timeout5s = TimeSpan.FromSeconds(5);

    /// <summary>What the library promises a caller may see: its typed exceptions (and the timeouts and breaker it documents).</summary>
    public static bool IsTyped(Exception error) => error switch
    {
        StreamInterruptedException interrupted => interrupted.InnerException is { } inner && IsTyped(inner),
        MaiServiceException => true,
        RequestFailedException { ErrorCode: not null } => true, // status 0, connection_failure: no response arrived
        RetryAfterTooLongException or BudgetExceededException or ContextWindowExceededException => true,
        TimeoutException or TimeoutRejectedException or BrokenCircuitException => true,
        _ => false,
    };

    public static async Task<List<ProofRow>> RunAsync(ProofFault fault, MarkerSinks sinks)
    {
        var rows = new List<ProofRow>();
        if (fault.Source == FaultSource.Emulator)
        {
            var emuClock = new TestClock();
            await using var emu = await MaiEmulator.StartAsync(
                new MaiEmulatorOptions { ApiKey = ProofFault.Marker, TimeProvider = fault.Stall ? emuClock : TimeProvider.System },
                TestContext.Current.CancellationToken);
            foreach (var transport in ProofTransport.All)
            {
                foreach (var streaming in Modes(fault))
                {
                    rows.Add(await RunOnEmulatorAsync(fault, transport, streaming, emu, emuClock, sinks));
                }
            }
        }
        else
        {
            foreach (var transport in ProofTransport.All)
            {
                foreach (var streaming in Modes(fault))
                {
                    rows.Add(await RunOnRawServerAsync(fault, transport, streaming, sinks));
                }
            }
        }

        return rows;
    }

    private static bool[] Modes(ProofFault fault) => fault.StreamOnly ? [true] : [false, true];

    private static MaiClientOptions Options(ProofTransport transport, Uri endpoint, TestClock clock, MarkerSinks sinks, UsageLedger ledger) => new()
    {
        Endpoint = endpoint,
        Transport = transport.Transport,
        Model = transport.Model,
        ApiKey = ProofFault.Marker,
        DeploymentName = EmulatorKit.Primary,
        TimeProvider = clock,
        LoggerFactory = sinks.LoggerFactory,
        Ledger = ledger,
    };

    private static async Task<ProofRow> RunOnEmulatorAsync(ProofFault fault, ProofTransport transport, bool streaming, MaiEmulator emu, TestClock emuClock, MarkerSinks sinks)
    {
        var clock = new TestClock();
        var counter = new RecordCounter();
        var ledger = new UsageLedger([sinks.Sink, counter]);
        var options = Options(transport, transport.EmulatorEndpoint(emu), clock, sinks, ledger);
        if (fault.Stall)
        {
            options.Resilience.FirstUpdateTimeout = Timeout5s;
            options.Resilience.IdleTimeout = Timeout5s;
            options.Resilience.AttemptTimeout = Timeout5s;
        }

        using var client = new MaiClient(options);
        var before = Chats(emu).Count;
        var outcomes = new List<CallOutcome>();
        for (var i = 0; i < fault.Calls; i++)
        {
            if (fault.Stall)
            {
                emu.Script(EmulatorFault.Parse(fault.Script + ";ms=" + (long)StallLength.TotalMilliseconds));
                var call = CallOutcome.RunAsync(client, clock, streaming, advance: due => due < TestClock.LongestWait && due != Timeout5s);
                await emuClock.WaitForTimerAsync(StallLength);
                await clock.AdvanceWhenTimerAsync(Timeout5s);
                outcomes.Add(await call);
            }
            else
            {
                emu.Script(EmulatorFault.Parse(fault.Script!));
                outcomes.Add(await CallOutcome.RunAsync(client, clock, streaming));
            }
        }

        emu.Faults.Clear(); // a fault a call never consumed (none expected) must not leak into the next row
        var requests = Chats(emu).Skip(before).ToList();
        var expected = requests.Count(r => r.Fault?.Kind != EmulatorFaultKind.ConnectionReset); // a reset before any byte: no record, by design
        await counter.WaitForAsync(expected);
        return Row(fault, transport, streaming, outcomes, requests.Count, expected, ledger, sinks);
    }

    private static async Task<ProofRow> RunOnRawServerAsync(ProofFault fault, ProofTransport transport, bool streaming, MarkerSinks sinks)
    {
        var wire = transport.Wire;
        var ok = streaming
            ? new ScriptedReply { Headers = [new("Content-Type", "text/event-stream")], Parts = [Encoding.UTF8.GetBytes(wire.OkStreamBody())] }
            : ScriptedReply.Json(wire.OkJson);
        var queue = new ConcurrentQueue<ScriptedReply>();
        await using var server = new LoopbackServer((_, _) => queue.TryDequeue(out var reply) ? reply : ok);
        var clock = new TestClock();
        var counter = new RecordCounter();
        var ledger = new UsageLedger([sinks.Sink, counter]);
        using var client = new MaiClient(Options(transport, new Uri(server.Endpoint, transport.RawPath), clock, sinks, ledger));
        var outcomes = new List<CallOutcome>();
        for (var i = 0; i < fault.Calls; i++)
        {
            queue.Enqueue(fault.Reply!(wire, streaming));
            outcomes.Add(await CallOutcome.RunAsync(client, clock, streaming));
        }

        var requests = server.Requests.Count;
        await counter.WaitForAsync(requests);
        return Row(fault, transport, streaming, outcomes, requests, requests, ledger, sinks); // every raw reply sends headers: each request is billable
    }

    private static ProofRow Row(ProofFault fault, ProofTransport transport, bool streaming, List<CallOutcome> outcomes, int requests, int expected, UsageLedger ledger, MarkerSinks sinks)
    {
        var untyped = new List<string>();
        foreach (var error in outcomes.Select(o => o.Error).OfType<Exception>())
        {
            sinks.InspectException(error);
            if (!IsTyped(error))
            {
                untyped.Add(error.GetType().Name + (error.InnerException is { } inner ? "(" + inner.GetType().Name + ")" : string.Empty));
            }
            else if ((error is StreamInterruptedException { InnerException: { } cause } ? cause : error) is RequestFailedException { ErrorCode: null or "" } service)
            {
                untyped.Add(service.GetType().Name + " without an error code: " + service.Message); // status, code and request id, always
            }
            else if ((error is StreamInterruptedException { InnerException: { } cause2 } ? cause2 : error) is MaiServiceException { RequestId: null or "" } unquoted)
            {
                untyped.Add(unquoted.GetType().Name + " without a request id: " + unquoted.Message);
            }
        }

        var records = ledger.GetRecords();
        foreach (var record in records)
        {
            sinks.InspectRecord(record);
        }

        var succeeded = outcomes.Count(o => o.Error is null);
        var detail = string.Join(" | ", outcomes.Select(o => string.Join(",", o.Attempts.Select(a => a.Reason)) + (o.Error is { } e ? " -> " + e.GetType().Name : string.Empty)))
            + " || records: " + string.Join(", ", records.Select(r => $"{r.Outcome}/{r.Source}"));
        return new ProofRow(fault.Name, transport.Name, streaming, outcomes.Count, succeeded, outcomes.Count - succeeded - untyped.Count, untyped, requests, expected, records.Count) { Detail = detail };
    }

    /// <summary>
    /// Counts the records a ledger receives. An attempt abandoned by a timeout finishes (and is recorded) in the background, after
    /// its call has returned; the rig waits for the records the server-side count expects, a bounded while (the wait ends at the
    /// count, never at a time), and a record still missing then is reported lost.
    /// </summary>
    private sealed class RecordCounter : IUsageSink
    {
        private readonly Lock _gate = new();
        private int _count;
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _count++;
                changed = _changed;
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
            return ValueTask.CompletedTask;
        }

        public async Task WaitForAsync(int expected)
        {
            using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                Task changed;
                lock (_gate)
                {
                    if (_count >= expected)
                    {
                        return;
                    }

                    changed = _changed.Task;
                }

                try
                {
                    await changed.WaitAsync(guard.Token);
                }
                catch (OperationCanceledException)
                {
                    return; // reported as lost
                }
            }
        }
    }

    private static List<EmulatorRequest> Chats(MaiEmulator emu) =>
        [.. emu.Requests.Where(r => r.Method == "POST" && (r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal) || r.PathAndQuery.Contains("/v1/messages", StringComparison.Ordinal)))];
}
