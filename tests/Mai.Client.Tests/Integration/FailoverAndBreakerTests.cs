using Mai.Client.Tests.TestSupport;
using Mai.Emulator;

namespace Mai.Client.Tests.Integration;

/// <summary>Failover between two emulators and the per-deployment circuit breaker, over loopback.</summary>
public abstract class FailoverAndBreakerTests(TransportKind transport)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_PrimaryAlways503_BreakerOpensAndLaterCallsGoStraightToTheSecond(bool streaming)
    {
        await using var primary = await EmulatorKit.StartAsync();
        await using var secondary = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(primary, clock, transport: transport).WithFallback(secondary, transport);
        options.Resilience.CircuitBreakerMinimumThroughput = 4;
        options.Resilience.CircuitBreakerFailureRatio = 0.5;
        options.Resilience.MaxAttemptsPerDeployment = 2;
        using var client = new MaiClient(options);
        primary.Faults.Enqueue(EmulatorFault.HttpError(503), times: 1000);

        // Two calls: each fails twice on the primary (one back-off wait between), then fails over without waiting.
        var results = new List<MaiResult>();
        for (var i = 0; i < 2; i++)
        {
            var outcome = await CallOutcome.RunAsync(client, clock, streaming);
            results.Add(outcome.Ok);
            Assert.Single(outcome.Waits);
            Assert.Equal(
                [(EmulatorKit.Primary, (int?)503), (EmulatorKit.Primary, 503), (EmulatorKit.Secondary, 200)],
                outcome.Ok.Attempts.Select(a => (a.Deployment, a.Status)));
        }

        Assert.Equal(4, primary.Chats().Count);

        // Four failures out of four attempts: the primary's circuit is open; the next calls never touch it.
        for (var i = 0; i < 3; i++)
        {
            var outcome = await CallOutcome.RunAsync(client, clock, streaming);
            Assert.Equal([new MaiAttempt(1, EmulatorKit.Secondary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)], outcome.Ok.Attempts);
            Assert.Empty(outcome.Waits);
        }

        Assert.Equal(4, primary.Chats().Count);
        Assert.Equal(5, secondary.Chats().Count);
        Assert.Equal(1000 - 4, primary.Faults.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_PrimaryClientSideQuotaSpent_FailsOverAtOnceToTheFallbackThatHasQuota(bool streaming)
    {
        await using var primary = await EmulatorKit.StartAsync();
        await using var secondary = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(primary, clock, transport: transport).WithFallback(secondary, transport);
        options.RequestsPerMinute = 1; // the primary's own quota; the fallback has none
        using var client = new MaiClient(options);

        // No clock advance at all: a wait before the failover would hang the call (and fail the test by its guard).
        var first = await CallOutcome.RunAsync(client, clock, streaming, advance: _ => false);
        var second = await CallOutcome.RunAsync(client, clock, streaming, advance: _ => false);

        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)], first.Ok.Attempts);
        Assert.Equal(
            [new MaiAttempt(1, EmulatorKit.Primary, null, "client_quota", TimeSpan.Zero, TimeSpan.Zero), new MaiAttempt(2, EmulatorKit.Secondary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)],
            second.Ok.Attempts);
        Assert.Single(primary.Chats());
        Assert.Single(secondary.Chats());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_PrimaryRecoversAfterBreakDuration_OneTrialAttemptClosesTheCircuit(bool streaming)
    {
        await using var primary = await EmulatorKit.StartAsync();
        await using var secondary = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(primary, clock, transport: transport).WithFallback(secondary, transport);
        options.Resilience.CircuitBreakerMinimumThroughput = 2;
        options.Resilience.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);
        using var client = new MaiClient(options);
        primary.Faults.Enqueue(EmulatorFault.HttpError(503), times: 2);

        Assert.Equal(EmulatorKit.Secondary, (await CallOutcome.RunAsync(client, clock, streaming)).Ok.Attempts[^1].Deployment);
        Assert.Equal(EmulatorKit.Secondary, Assert.Single((await CallOutcome.RunAsync(client, clock, streaming)).Ok.Attempts).Deployment);
        Assert.Equal(2, primary.Chats().Count);

        clock.Advance(TimeSpan.FromSeconds(30));
        var trial = (await CallOutcome.RunAsync(client, clock, streaming)).Ok;

        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)], trial.Attempts);
        Assert.Equal(3, primary.Chats().Count);
        Assert.Equal(2, secondary.Chats().Count);
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class FailoverAndBreakerTestsOnAzureInference() : FailoverAndBreakerTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class FailoverAndBreakerTestsOnOpenAIv1() : FailoverAndBreakerTests(TransportKind.OpenAIv1);
