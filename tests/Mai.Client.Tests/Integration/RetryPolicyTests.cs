using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Tests.Transport;
using Mai.Emulator;

namespace Mai.Client.Tests.Integration;

/// <summary>Retries over loopback: one retry layer, the service's waits honoured exactly, and waits that are too long refused or failed over.</summary>
public abstract class RetryPolicyTests(TransportKind transport)
{
    [Theory]
    [InlineData(false, "retry-after-ms", "1500.2", 1501)]
    [InlineData(true, "retry-after-ms", "1500.2", 1501)]
    [InlineData(false, "x-ms-retry-after-ms", "0.5", 1)]
    [InlineData(false, "Retry-After", "2", 2000)]
    [InlineData(true, "Retry-After", "2", 2000)]
    public async Task Call_429Twice_TheExceptionReportsExactlyTheWaitTheClientHonoured(bool streaming, string header, string value, int expectedMs)
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"code":"429","message":"slow down"}}""", 429, "Too Many Requests", (header, value)));
        var clock = new TestClock();
        var options = StreamingResilienceTests.LoopbackOptions(server, clock, transport);
        options.Resilience.MaxRetries = 1;
        using var client = new MaiClient(options);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var expected = TimeSpan.FromMilliseconds(expectedMs);
        var error = outcome.Failed<MaiServiceException>();
        Assert.Equal(expected, error.RetryAfter);
        Assert.Equal([expected], outcome.Waits);
        Assert.Equal([expected, TimeSpan.Zero], outcome.Attempts.Select(a => a.Wait));
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_RetryAfterWithFractionOfASecond_IgnoredByTheExceptionAndTheClientAlike(bool streaming)
    {
        // "Retry-After: 1.5" is not a valid header value (integer seconds only): neither reports nor waits 1.5 s.
        await using var server = new LoopbackServer(
            ScriptedReply.Json("""{"error":{"code":"429","message":"slow down"}}""", 429, "Too Many Requests", ("Retry-After", "1.5")));
        var clock = new TestClock();
        var options = StreamingResilienceTests.LoopbackOptions(server, clock, transport);
        options.Resilience.MaxRetries = 0;
        using var client = new MaiClient(options);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        Assert.Null(outcome.Failed<MaiServiceException>().RetryAfter);
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_One429_ExactlyTwoHttpRequestsInTotal(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(1)));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        Assert.NotNull(outcome.Ok);
        Assert.Equal(2, emu.Requests.Count);
        Assert.Equal([EmulatorFaultKind.RateLimit, EmulatorFaultKind.None], emu.Requests.Select(r => r.Fault?.Kind ?? EmulatorFaultKind.None));
        Assert.Equal([TimeSpan.FromSeconds(1)], outcome.Waits);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ResilienceRetriesNothing_A503IsSentExactlyOnce(bool streaming)
    {
        // Nothing below the resilience layer retries (Azure.Core's retries are off): with MaxRetries = 0, one 503 is one request.
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Resilience.MaxRetries = 0;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.HttpError(503), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<MaiServiceException>();
        Assert.Equal(503, error.Status);
        Assert.Single(emu.Requests);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 503, "ServiceUnavailable", TimeSpan.Zero, TimeSpan.Zero)], outcome.Attempts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_429RetryAfterMs200Twice_SucceedsOnTheThirdAttemptAfterExactly200And200(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        var throttle = EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(200), RetryAfterHeader.RetryAfterMs);
        emu.Script(throttle, throttle, EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var result = outcome.Ok;
        Assert.Equal(3, emu.Chats().Count);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)], outcome.Waits);
        Assert.Equal(TimeSpan.FromMilliseconds(400), clock.Elapsed);
        Assert.Equal(
            [
                new MaiAttempt(1, EmulatorKit.Primary, 429, "429", TimeSpan.FromMilliseconds(200), TimeSpan.Zero),
                new MaiAttempt(2, EmulatorKit.Primary, 429, "429", TimeSpan.FromMilliseconds(200), TimeSpan.Zero),
                new MaiAttempt(3, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero),
            ],
            result.Attempts);
        Assert.Equal(TimeSpan.FromMilliseconds(400), result.Duration);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_429AskingFor120sOver60sCap_FailsAtOnceWithoutWaiting(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(60);
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(120)), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<RetryAfterTooLongException>();
        Assert.Single(emu.Requests);
        Assert.Empty(outcome.Waits);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(120), error.RetryAfter);
        Assert.Equal(TestClock.Epoch.AddSeconds(120), error.RetryAt);
        Assert.Equal(429, error.Status);
        Assert.Equal(EmulatorKit.Primary, error.Deployment);
        Assert.Equal(429, Assert.IsType<MaiServiceException>(error.InnerException).Status);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 429, "429", TimeSpan.Zero, TimeSpan.Zero)], error.GetMaiAttempts());
        Assert.Empty(outcome.Seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_429AskingFor120sWithAFallback_FailsOverAtOnceAndSucceeds(bool streaming)
    {
        await using var primary = await EmulatorKit.StartAsync();
        await using var secondary = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(primary, clock, transport: transport).WithFallback(secondary, transport));
        primary.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(120)), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var result = outcome.Ok;
        Assert.Single(primary.Chats());
        Assert.Single(secondary.Chats());
        Assert.Empty(outcome.Waits);
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Equal(
            [
                new MaiAttempt(1, EmulatorKit.Primary, 429, "429", TimeSpan.Zero, TimeSpan.Zero),
                new MaiAttempt(2, EmulatorKit.Secondary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero),
            ],
            result.Attempts);
        var wire = await secondary.ReplayAsync(secondary.Chats()[0], EmulatorKit.Guard());
        Assert.EndsWith(result.Answer, wire.Content, StringComparison.Ordinal);
        Assert.Equal(EmulatorKit.Secondary, Assert.Single(result.UsageRecords, r => r.Outcome == Mai.Client.Accounting.UsageOutcome.Succeeded).Deployment);

        // The throttled primary is left alone until its 120 s are over: the next call goes straight to the fallback.
        var next = (await CallOutcome.RunAsync(client, clock, streaming)).Ok;
        Assert.Single(primary.Chats());
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Secondary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)], next.Attempts);
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class RetryPolicyTestsOnAzureInference() : RetryPolicyTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class RetryPolicyTestsOnOpenAIv1() : RetryPolicyTests(TransportKind.OpenAIv1);
