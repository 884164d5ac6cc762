using Azure;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly;

namespace Mai.Client.Tests.Resilience;

public class ResilientChatClientFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MaiResilienceOptions Options(TestClock time, Action<MaiResilienceOptions>? configure = null)
    {
        var options = new MaiResilienceOptions
        {
            TotalTimeout = Timeout.InfiniteTimeSpan,
            AttemptTimeout = Timeout.InfiniteTimeSpan,
            BaseDelay = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        return options;
    }


    [Fact]
    public async Task GetResponseAsync_PrimaryAsksAboveCap_FailsOverImmediatelyWithoutWaiting()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Throttled(("Retry-After", "120")));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok("from west"));
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        var response = await client.GetResponseAsync("hi", Observe.With(out var context), Ct);

        Assert.Equal("from west", response.Text);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(1, secondary.Calls);
        Assert.Equal(TimeSpan.Zero, time.Elapsed);
        Assert.Equal(
            [new MaiAttempt(1, "east", 429, "429", TimeSpan.Zero, TimeSpan.Zero), new MaiAttempt(2, "west", 200, "ok", TimeSpan.Zero, TimeSpan.Zero)],
            context.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryThrottledEarlier_LaterCallsSkipItUntilItsWaitEnds()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(i => i == 0 ? throw Failures.Throttled(("Retry-After", "120")) : TestChatClient.Ok("from east"));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok("from west"));
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        await client.GetResponseAsync("first", null, Ct);
        time.Advance(TimeSpan.FromSeconds(119));
        var second = await client.GetResponseAsync("second", null, Ct);
        time.Advance(TimeSpan.FromSeconds(1));
        var third = await client.GetResponseAsync("third", null, Ct);

        Assert.Equal("from west", second.Text);
        Assert.Equal("from east", third.Text);
        Assert.Equal(2, primary.Calls);
        Assert.Equal(2, secondary.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_BothAskAboveCap_FailsWithTheLastDeploymentsWait()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Throttled(("Retry-After", "120")));
        var secondary = TestChatClient.Answering(_ => throw Failures.Throttled(("retry-after-ms", "90000")));
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        var e = await Assert.ThrowsAsync<RetryAfterTooLongException>(() => client.GetResponseAsync("hi", null, Ct));

        Assert.Equal("west", e.Deployment);
        Assert.Equal(TimeSpan.FromSeconds(90), e.RetryAfter);
        Assert.Equal(["east", "west"], e.GetMaiAttempts().Select(a => a.Deployment));
        Assert.Equal(TimeSpan.Zero, time.Elapsed);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryKeepsFailing_FailsOverAfterMaxAttemptsPerDeployment()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Status(503));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok("west"));
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        await client.GetResponseAsync("hi", Observe.With(out var context), Ct);

        Assert.Equal(["east", "east", "west"], context.Attempts.Select(a => a.Deployment));
        Assert.Equal(2, primary.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_PrimaryAlways503_BreakerOpensSkipsItThenHalfOpensAfterBreakDuration()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Status(503));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok("west"));
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time, o =>
        {
            o.CircuitBreakerMinimumThroughput = 4;
            o.CircuitBreakerFailureRatio = 0.5;
            o.CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(30);
            o.CircuitBreakerBreakDuration = TimeSpan.FromSeconds(10);
        }), timeProvider: time);

        // Two calls: two failed attempts each on east (4 failures of 4), then west answers. The breaker opens.
        await client.GetResponseAsync("1", null, Ct);
        await client.GetResponseAsync("2", null, Ct);
        Assert.Equal(4, primary.Calls);

        // Open: east is skipped without an attempt.
        for (var i = 0; i < 3; i++)
        {
            await client.GetResponseAsync("open", Observe.With(out var context), Ct);
            Assert.Equal(["west"], context.Attempts.Select(a => a.Deployment));
        }

        Assert.Equal(4, primary.Calls);

        // After the break duration it half-opens: one trial attempt reaches east again, fails, and the call moves on.
        time.Advance(TimeSpan.FromSeconds(10));
        await client.GetResponseAsync("trial", Observe.With(out var trial), Ct);
        Assert.Equal(5, primary.Calls);
        Assert.Equal(["east", "west"], trial.Attempts.Select(a => a.Deployment));

        await client.GetResponseAsync("open again", null, Ct);
        Assert.Equal(5, primary.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_SingleDeploymentBreakerOpen_FailsFastWithBrokenCircuit()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(_ => throw Failures.Status(500));
        using var client = new ResilientChatClient(inner, Options(time, o =>
        {
            o.MaxRetries = 1;
            o.CircuitBreakerMinimumThroughput = 2;
            o.CircuitBreakerFailureRatio = 1;
        }), timeProvider: time);

        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync("1", null, Ct));
        await Assert.ThrowsAnyAsync<BrokenCircuitException>(() => client.GetResponseAsync("2", null, Ct));

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_PermanentFailureOnPrimary_NoFailover()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Status(400, "context_length_exceeded"));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok());
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync("hi", null, Ct));

        Assert.Equal(1, primary.Calls);
        Assert.Equal(0, secondary.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_CustomPipeline_UsedInsteadOfBuiltInRetry()
    {
        var time = new TestClock();
        var retries = new List<int>();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = 5,
                Delay = TimeSpan.FromMilliseconds(50),
                BackoffType = DelayBackoffType.Constant,
                ShouldHandle = new PredicateBuilder().Handle<RequestFailedException>(e => e.Status == 503),
                OnRetry = args =>
                {
                    retries.Add(args.AttemptNumber);
                    return default;
                },
            })
            .Build();
        var inner = TestChatClient.Answering(i => i < 5 ? throw Failures.Status(503) : TestChatClient.Ok("sixth"));
        using var client = new ResilientChatClient(inner, Options(time, o => o.Pipeline = pipeline), timeProvider: time);

        var call = client.GetResponseAsync("hi", Observe.With(out var context), Ct);
        var waits = await time.DriveAsync(call);
        var response = await call;

        Assert.Equal("sixth", response.Text);
        Assert.Equal(6, inner.Calls);
        Assert.Equal([0, 1, 2, 3, 4], retries);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMilliseconds(50), 5), waits);
        Assert.Equal(Enumerable.Repeat(TimeSpan.FromMilliseconds(50), 5), context.Attempts.Take(5).Select(a => a.Wait));
    }

    [Fact]
    public async Task GetResponseAsync_CustomPipelineAndRetryAfterAboveCap_StillFailsFast()
    {
        var time = new TestClock();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions { ShouldHandle = new PredicateBuilder().Handle<RequestFailedException>(), Delay = TimeSpan.Zero })
            .Build();
        var inner = TestChatClient.Answering(_ => throw Failures.Throttled(("Retry-After", "600")));
        using var client = new ResilientChatClient(inner, Options(time, o => o.Pipeline = pipeline), timeProvider: time);

        var e = await Assert.ThrowsAsync<RetryAfterTooLongException>(() => client.GetResponseAsync("hi", null, Ct));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(TimeSpan.FromMinutes(10), e.RetryAfter);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PrimaryFailsBeforeFirstUpdate_FailsOverAndAnswerSeenOnce()
    {
        var time = new TestClock();
        var primary = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Throwing(Failures.Throttled(("Retry-After", "300"))) };
        var secondary = new TestChatClient { GetStreamingResponseAsyncCallback = (_, _, _) => Updates("from", " west") };
        using var client = new ResilientChatClient([new("east", primary), new("west", secondary)], Options(time), timeProvider: time);

        var text = string.Empty;
        await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
        {
            text += update.Text;
        }

        Assert.Equal("from west", text);
        Assert.Equal(1, primary.Calls);
        Assert.Equal(1, secondary.Calls);
    }

    [Fact]
    public void Dispose_DisposesEveryDeploymentClient()
    {
        var a = new TestChatClient();
        var b = new TestChatClient();
        var client = new ResilientChatClient([new("a", a), new("b", b)], null);

        client.Dispose();

        Assert.True(a.Disposed);
        Assert.True(b.Disposed);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Throwing(Exception e)
    {
        await Task.Yield();
        throw e;
#pragma warning disable CS0162 // An iterator needs a yield.
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(params string[] texts)
    {
        foreach (var text in texts)
        {
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, text);
        }
    }
}
