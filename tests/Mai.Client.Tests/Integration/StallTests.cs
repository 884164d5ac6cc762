using System.Text;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Tests.Transport;
using Mai.Emulator;
using Polly.Timeout;

namespace Mai.Client.Tests.Integration;

/// <summary>
/// Stalls over loopback. The emulator runs on its own fake clock, so a stall lasts until the client goes away, and its
/// stall timer tells the test the server is stalling; the client's timeouts run on the client's fake clock.
/// </summary>
public abstract class StallTests(TransportKind transport)
{
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Timeout5s = TimeSpan.FromSeconds(5);

    /// <summary>The test advances the 5 s timeout itself, once the emulator stalls; the drive advances only retry waits.</summary>
    private static readonly Func<TimeSpan, bool> RetryWaitsOnly = due => due < TestClock.LongestWait && due != Timeout5s;

    [Fact]
    public async Task Stream_StallBeforeFirstByte_FirstUpdateTimeoutRetriesAndTheNextAttemptAnswers()
    {
        var emuClock = new TestClock();
        await using var emu = await EmulatorKit.StartAsync(o => o.TimeProvider = emuClock);
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Resilience.FirstUpdateTimeout = Timeout5s;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.Stall(Stall), EmulatorFault.None);

        var call = CallOutcome.RunAsync(client, clock, streaming: true, advance: RetryWaitsOnly);
        await emuClock.WaitForTimerAsync(Stall);
        await clock.AdvanceWhenTimerAsync(Timeout5s);
        var outcome = await call;

        var result = outcome.Ok;
        Assert.Equal(2, emu.Chats().Count);
        Assert.Equal(new MaiAttempt(1, EmulatorKit.Primary, null, "first_update_timeout", result.Attempts[0].Wait, Timeout5s), result.Attempts[0]);
        Assert.Equal(new MaiAttempt(2, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero), result.Attempts[1]);
        Assert.Equal(result.Attempts[0].Wait, TimeSpan.FromMilliseconds(Math.Floor(Assert.Single(outcome.Waits).TotalMilliseconds)));
        Assert.Equal(result.Answer, outcome.Seen.AnswerText());
    }

    [Fact]
    public async Task Stream_StallAfterOutput_IdleTimeoutInterruptsWithoutRetry()
    {
        var emuClock = new TestClock();
        await using var emu = await EmulatorKit.StartAsync(o => o.TimeProvider = emuClock);
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, "gpt-4o", transport: transport);
        options.Resilience.IdleTimeout = Timeout5s;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.Stall(Stall, afterChunks: 4), EmulatorFault.None);

        var call = CallOutcome.RunAsync(client, clock, streaming: true, advance: RetryWaitsOnly);
        await emuClock.WaitForTimerAsync(Stall);
        await clock.AdvanceWhenTimerAsync(Timeout5s);
        var outcome = await call;

        var error = outcome.Failed<StreamInterruptedException>();
        var timeout = Assert.IsType<TimeoutRejectedException>(error.InnerException);
        Assert.Equal(Timeout5s, timeout.Timeout);
        Assert.Single(emu.Chats());
        Assert.Equal(3, outcome.Seen.Count);
        Assert.Equal(outcome.Seen.AnswerText(), error.Text);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, null, "idle_timeout", TimeSpan.Zero, Timeout5s)], error.GetMaiAttempts());
    }

    [Fact]
    public async Task Ask_StallBeforeFirstByte_AttemptTimeoutRetriesAndTheNextAttemptAnswers()
    {
        var emuClock = new TestClock();
        await using var emu = await EmulatorKit.StartAsync(o => o.TimeProvider = emuClock);
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Resilience.AttemptTimeout = Timeout5s;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.Stall(Stall), EmulatorFault.None);

        var call = CallOutcome.RunAsync(client, clock, streaming: false, advance: RetryWaitsOnly);
        await emuClock.WaitForTimerAsync(Stall);
        await clock.AdvanceWhenTimerAsync(Timeout5s);
        var outcome = await call;

        var result = outcome.Ok;
        Assert.Equal(2, emu.Chats().Count);
        Assert.Equal(new MaiAttempt(1, EmulatorKit.Primary, null, "attempt_timeout", result.Attempts[0].Wait, Timeout5s), result.Attempts[0]);
        Assert.Equal("ok", result.Attempts[1].Reason);
    }

    [Fact]
    public async Task Stream_ResilienceOffAndAKeepAlivePingFlood_FirstUpdateTimeoutEndsTheCallNamingTheOption()
    {
        // ": ping" comments keep every read of the body busy, so a per-read network timeout never fires; the layer's
        // first-update timeout bounds the call even with EnableResilience = false.
        var pings = Enumerable.Repeat(Encoding.UTF8.GetBytes(": ping\n\n"), 200).ToList();
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Headers = [new("Content-Type", "text/event-stream")],
            Parts = pings,
            StallAfterParts = true,
        });
        var clock = new TestClock();
        var options = StreamingResilienceTests.LoopbackOptions(server, clock, transport);
        options.EnableResilience = false;
        options.Resilience.FirstUpdateTimeout = Timeout5s;
        using var client = new MaiClient(options);

        var call = CallOutcome.RunAsync(client, clock, streaming: true, advance: _ => false);
        await server.Stalling.Task.WaitAsync(EmulatorKit.Guard()); // every ping is written; the server now says nothing
        await clock.AdvanceWhenTimerAsync(Timeout5s);
        var outcome = await call;

        var error = outcome.Failed<TimeoutRejectedException>();
        Assert.Equal("No update arrived within MaiResilienceOptions.FirstUpdateTimeout (00:00:05).", error.Message);
        Assert.Single(server.Requests);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, null, "first_update_timeout", TimeSpan.Zero, Timeout5s)], outcome.Attempts);
    }

    [Fact]
    public async Task Ask_ResilienceOffAndNoAnswer_TotalTimeoutEndsTheCallNamingTheOption()
    {
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = new LoopbackServer((_, _) =>
        {
            received.TrySetResult();
            return new ScriptedReply { StallBeforeHeaders = true };
        });
        var clock = new TestClock();
        var options = StreamingResilienceTests.LoopbackOptions(server, clock, transport);
        options.EnableResilience = false;
        options.Resilience.TotalTimeout = Timeout5s;
        using var client = new MaiClient(options);

        var call = CallOutcome.RunAsync(client, clock, streaming: false, advance: _ => false);
        await received.Task.WaitAsync(EmulatorKit.Guard());
        await clock.AdvanceWhenTimerAsync(Timeout5s);
        var outcome = await call;

        var error = outcome.Failed<TimeoutRejectedException>();
        Assert.Equal("The call did not complete within MaiResilienceOptions.TotalTimeout (00:00:05).", error.Message);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, null, "total_timeout", TimeSpan.Zero, Timeout5s)], outcome.Attempts);
        Assert.Single(server.Requests);
        Assert.Equal(Timeout5s, clock.Elapsed);
    }

    [Fact]
    public async Task Stream_NeverSendsAFirstUpdate_EndsAfterTwoFirstUpdateTimeoutsNotFour()
    {
        var emuClock = new TestClock();
        await using var emu = await EmulatorKit.StartAsync(o => o.TimeProvider = emuClock);
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Resilience.FirstUpdateTimeout = Timeout5s;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.Stall(Stall), EmulatorFault.Stall(Stall), EmulatorFault.Stall(Stall), EmulatorFault.Stall(Stall));

        var call = CallOutcome.RunAsync(client, clock, streaming: true, advance: RetryWaitsOnly);
        for (var i = 0; i < 2; i++)
        {
            await emuClock.WaitForTimerAsync(Stall);
            await clock.AdvanceWhenTimerAsync(Timeout5s);
        }

        var outcome = await call;

        var error = outcome.Failed<TimeoutRejectedException>();
        Assert.Equal("No update arrived within MaiResilienceOptions.FirstUpdateTimeout (00:00:05).", error.Message);
        Assert.Equal(2, emu.Chats().Count);
        Assert.Equal(["first_update_timeout", "first_update_timeout"], outcome.Attempts.Select(a => a.Reason));
        Assert.Equal(Timeout5s + Timeout5s + Assert.Single(outcome.Waits), clock.Elapsed);
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(true, 4)]
    public async Task Call_CallerCancelsDuringAStall_EndsAtOnceWithoutRetry(bool streaming, int? afterChunks)
    {
        var emuClock = new TestClock();
        await using var emu = await EmulatorKit.StartAsync(o => o.TimeProvider = emuClock);
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, "gpt-4o", transport: transport));
        emu.Script(EmulatorFault.Stall(Stall, afterChunks), EmulatorFault.None);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(EmulatorKit.Guard());
        var sawOutput = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var call = CallOutcome.RunWithTokenAsync(client, clock, streaming, "Why is the sky blue?", null, caller.Token, onUpdate: n =>
        {
            if (n == 3)
            {
                sawOutput.TrySetResult();
            }
        });
        await emuClock.WaitForTimerAsync(Stall);
        if (afterChunks is not null)
        {
            await sawOutput.Task.WaitAsync(EmulatorKit.Guard()); // the caller has the 3 text chunks sent before the stall
        }

        await caller.CancelAsync();
        var outcome = await call;

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        Assert.Single(emu.Chats());
        Assert.Empty(outcome.Waits);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(afterChunks is null ? 0 : 3, outcome.Seen.Count);
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class StallTestsOnAzureInference() : StallTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class StallTestsOnOpenAIv1() : StallTests(TransportKind.OpenAIv1);
