using Azure;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace Mai.Client.Tests.Resilience;

public class ResilientChatClientRetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MaiResilienceOptions Options(TestClock time, Action<MaiResilienceOptions>? configure = null)
    {
        var options = new MaiResilienceOptions
        {
            TotalTimeout = Timeout.InfiniteTimeSpan,
            AttemptTimeout = Timeout.InfiniteTimeSpan,
        };
        configure?.Invoke(options);
        return options;
    }

    [Fact]
    public async Task GetResponseAsync_429WithRetryAfterMsTwice_SucceedsOnThirdAttemptAfterExactWaits()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i < 2 ? throw Failures.Throttled(("retry-after-ms", "200")) : TestChatClient.Ok("third time"));
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var context = new MaiCallContext();

        var call = client.GetResponseAsync("hi", MaiCallContext.Attach(null, context), Ct);
        var waits = await time.DriveAsync(call);
        var response = await call;

        Assert.Equal("third time", response.Text);
        Assert.Equal(3, inner.Calls);
        Assert.Equal([TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)], waits);
        Assert.Equal(TimeSpan.FromMilliseconds(400), time.Elapsed);
        var expected = new[]
        {
            new MaiAttempt(1, null, 429, "429", TimeSpan.FromMilliseconds(200), TimeSpan.Zero),
            new MaiAttempt(2, null, 429, "429", TimeSpan.FromMilliseconds(200), TimeSpan.Zero),
            new MaiAttempt(3, null, 200, "ok", TimeSpan.Zero, TimeSpan.Zero),
        };
        Assert.Equal(expected, context.Attempts);
        Assert.Null(response.AdditionalProperties); // the attempts travel on the call's context only, not copied onto the response
    }

    [Theory]
    [InlineData("retry-after-ms", "250", 250)]
    [InlineData("x-ms-retry-after-ms", "1500", 1500)]
    [InlineData("x-ms-retry-after-ms", "99.1", 100)]
    [InlineData("Retry-After", "7", 7000)]
    [InlineData("Retry-After", "Wed, 01 Jan 2025 12:00:42 GMT", 42_000)]
    public async Task GetResponseAsync_EachRetryHeaderForm_HonoursExactWait(string header, string value, int expectedMs)
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i == 0 ? throw Failures.Status(503, "busy", (header, value)) : TestChatClient.Ok());
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);

        var call = client.GetResponseAsync("hi", Observe.With(out var context), Ct);
        var waits = await time.DriveAsync(call);
        var response = await call;

        var expected = TimeSpan.FromMilliseconds(expectedMs);
        Assert.Equal([expected], waits);
        Assert.Equal(expected, time.Elapsed);
        var attempts = context.Attempts;
        Assert.Equal(expected, attempts[0].Wait);
        Assert.Equal(503, attempts[0].Status);
        Assert.Equal("busy", attempts[0].Reason);
    }

    [Fact]
    public async Task GetResponseAsync_AllThreeHeaders_RetryAfterMsTakesPrecedence()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i == 0
            ? throw Failures.Throttled(("Retry-After", "3"), ("x-ms-retry-after-ms", "900"), ("retry-after-ms", "120"))
            : TestChatClient.Ok());
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);

        var call = client.GetResponseAsync("hi", null, Ct);
        Assert.Equal([TimeSpan.FromMilliseconds(120)], await time.DriveAsync(call));
        Assert.Equal("done", (await call).Text);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterAboveCap_FailsAtOnceSayingWhen()
    {
        var time = new TestClock();
        var throttled = Failures.Throttled(("Retry-After", "120"));
        var inner = TestChatClient.Answering(_ => throw throttled);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var context = new MaiCallContext();

        var e = await Assert.ThrowsAsync<RetryAfterTooLongException>(() => client.GetResponseAsync("hi", MaiCallContext.Attach(null, context), Ct));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(TimeSpan.Zero, time.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(120), e.RetryAfter);
        Assert.Equal(TestClock.Epoch.AddSeconds(120), e.RetryAt);
        Assert.Equal(429, e.Status);
        Assert.Same(throttled, e.InnerException);
        Assert.Contains("retry after 120 s (at 2025-01-01T12:02:00.0000000+00:00)", e.Message, StringComparison.Ordinal);
        Assert.Contains("longer than MaxRetryAfter (60 s)", e.Message, StringComparison.Ordinal);
        var attempt = Assert.Single(e.GetMaiAttempts());
        Assert.Equal(new MaiAttempt(1, null, 429, "429", TimeSpan.Zero, TimeSpan.Zero), attempt);
        Assert.Equal(e.GetMaiAttempts(), context.Attempts);
    }

    [Fact]
    public async Task GetResponseAsync_RetryAfterBeyondTotalTimeout_FailsAtOnceSayingWhen()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(_ => throw Failures.Throttled(("retry-after-ms", "20000")));
        using var client = new ResilientChatClient(inner, Options(time, o => o.TotalTimeout = TimeSpan.FromSeconds(10)), timeProvider: time);

        var e = await Assert.ThrowsAsync<RetryAfterTooLongException>(() => client.GetResponseAsync("hi", null, Ct));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(TimeSpan.Zero, time.Elapsed);
        Assert.Equal(TimeSpan.FromSeconds(20), e.RetryAfter);
        Assert.Equal(TestClock.Epoch.AddSeconds(20), e.RetryAt);
        Assert.Contains("longer than the time left before TotalTimeout (10 s)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "content_filter")]
    [InlineData(400, "context_length_exceeded")]
    [InlineData(400, "unsupported_parameter")]
    [InlineData(401, "invalid_api_key")]
    [InlineData(403, null)]
    [InlineData(404, "404")]
    [InlineData(422, null)]
    [InlineData(409, null)]
    public async Task GetResponseAsync_PermanentFailure_AttemptedExactlyOnce(int status, string? code)
    {
        var time = new TestClock();
        var failure = Failures.Status(status, code, ("retry-after-ms", "10"));
        var inner = TestChatClient.Answering(_ => throw failure);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync("hi", null, Ct));

        Assert.Same(failure, e);
        Assert.Equal(1, inner.Calls);
        Assert.Equal(TimeSpan.Zero, time.Elapsed);
        var attempt = Assert.Single(e.GetMaiAttempts());
        Assert.Equal(status, attempt.Status);
        Assert.Equal(code ?? $"http_{status}", attempt.Reason);
    }

    [Fact]
    public async Task GetResponseAsync_CallerCancels_NotRetried()
    {
        var time = new TestClock();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var inner = new TestChatClient();
        inner.GetResponseAsyncCallback = (_, _, token) =>
        {
            cts.Cancel();
            return Task.FromCanceled<ChatResponse>(token);
        };
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync("hi", null, cts.Token));

        Assert.Equal(1, inner.Calls);
    }

    public static TheoryData<string, Func<Exception>> TransientFailures => new()
    {
        { "http_500", () => Failures.Status(500) },
        { "http_502", () => Failures.Status(502) },
        { "http_503", () => Failures.Status(503) },
        { "http_504", () => Failures.Status(504) },
        { "http_408", () => Failures.Status(408) },
        { "connection_failure", Failures.ConnectionRefused },
        { "connection_failure", () => new HttpRequestException("reset") },
        { "connection_failure", () => new IOException("broken pipe") },
        { "connection_failure", () => new InvalidOperationException("wrapped", new System.Net.Sockets.SocketException(10054)) },
        { "timeout", () => new TimeoutException() },
        { "timeout", () => new TaskCanceledException("network timeout") },
    };

    [Theory]
    [MemberData(nameof(TransientFailures))]
    public async Task GetResponseAsync_TransientFailure_RetriedWithBoundedBackoff(string reason, Func<Exception> failure)
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i < 3 ? throw failure() : TestChatClient.Ok());
        using var client = new ResilientChatClient(inner, Options(time, o =>
        {
            o.BaseDelay = TimeSpan.FromSeconds(1);
            o.MaxDelay = TimeSpan.FromSeconds(3);
        }), timeProvider: time);

        var call = client.GetResponseAsync("hi", Observe.With(out var context), Ct);
        var waits = await time.DriveAsync(call);
        var response = await call;

        Assert.Equal(4, inner.Calls);
        Assert.Equal(3, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(3)));
        var attempts = context.Attempts;
        Assert.Equal([reason, reason, reason, "ok"], attempts.Select(a => a.Reason));
        Assert.Equal(waits, attempts.Take(3).Select(a => a.Wait));
    }

    [Fact]
    public async Task GetResponseAsync_TransientEveryTime_StopsAfterMaxRetriesPlusOne()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(_ => throw Failures.Status(503));
        using var client = new ResilientChatClient(inner, Options(time, o => o.MaxRetries = 2), timeProvider: time);

        var call = client.GetResponseAsync("hi", null, Ct);
        await time.DriveAsync(call);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => call);
        Assert.Equal(3, inner.Calls);
        var attempts = e.GetMaiAttempts();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.Number));
        Assert.Equal(TimeSpan.Zero, attempts[2].Wait);
    }

    [Fact]
    public async Task GetResponseAsync_AttemptTimesOut_RetriedAndSucceeds()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetResponseAsyncCallback = async (_, _, token) =>
        {
            if (inner.Calls == 1)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, token);
            }

            return TestChatClient.Ok("second");
        };
        using var client = new ResilientChatClient(inner, Options(time, o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(5);
            o.BaseDelay = TimeSpan.Zero;
        }), timeProvider: time);

        var call = client.GetResponseAsync("hi", Observe.With(out var context), Ct);
        Assert.Equal(TimeSpan.FromSeconds(5), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(5));
        var response = await call.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("second", response.Text);
        Assert.Equal(2, inner.Calls);
        var attempts = context.Attempts;
        Assert.Equal(new MaiAttempt(1, null, null, "attempt_timeout", TimeSpan.Zero, TimeSpan.FromSeconds(5)), attempts[0]);
    }

    [Fact]
    public async Task GetResponseAsync_BackoffRunsPastTotalTimeout_TimeoutRejectedNamingTotalTimeout()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(_ => throw Failures.Status(500));
        using var client = new ResilientChatClient(inner, Options(time, o =>
        {
            // Polly's jittered backoff can come out far below BaseDelay (its first delay scales with tanh(2√t) for a random
            // t in [0, 1)); with a 10 s base it fell under the 2 s deadline about once in 20 runs. A 10 min base makes a
            // delay under 2 s a one-in-a-million event, so the backoff reliably runs past the deadline.
            o.TotalTimeout = TimeSpan.FromSeconds(2);
            o.BaseDelay = TimeSpan.FromMinutes(10);
            o.MaxDelay = TimeSpan.FromMinutes(10);
        }), timeProvider: time);

        var call = client.GetResponseAsync("hi", null, Ct);
        await time.DriveAsync(call);

        var e = await Assert.ThrowsAsync<TimeoutRejectedException>(() => call);
        Assert.Equal(TimeSpan.FromSeconds(2), e.Timeout);
        Assert.Contains("TotalTimeout", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, inner.Calls);
        Assert.Single(e.GetMaiAttempts());
    }

    [Fact]
    public async Task GetResponseAsync_AttemptRunsPastTotalTimeout_TimeoutRejectedAndNotRetried()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetResponseAsyncCallback = async (_, _, token) =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return TestChatClient.Ok();
        };
        using var client = new ResilientChatClient(inner, Options(time, o => o.TotalTimeout = TimeSpan.FromSeconds(3)), timeProvider: time);

        var call = client.GetResponseAsync("hi", null, Ct);
        Assert.Equal(TimeSpan.FromSeconds(3), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(3));

        var e = await Assert.ThrowsAsync<TimeoutRejectedException>(() => call.WaitAsync(TimeSpan.FromSeconds(30), Ct));
        Assert.Equal(TimeSpan.FromSeconds(3), e.Timeout);
        Assert.IsAssignableFrom<OperationCanceledException>(e.InnerException);
        Assert.Equal(1, inner.Calls);
        var attempt = Assert.Single(e.GetMaiAttempts());
        Assert.Equal(new MaiAttempt(1, null, null, "total_timeout", TimeSpan.Zero, TimeSpan.FromSeconds(3)), attempt);
    }

    [Fact]
    public async Task GetResponseAsync_CallerOptions_NotMutatedAndPassedThrough()
    {
        var time = new TestClock();
        ChatOptions? seen = null;
        var inner = new TestChatClient();
        inner.GetResponseAsyncCallback = (_, options, _) =>
        {
            seen = options;
            return Task.FromResult(TestChatClient.Ok());
        };
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var options = new ChatOptions { ModelId = "m" };

        await client.GetResponseAsync("hi", options, Ct);

        Assert.Same(options, seen);
        Assert.Null(options.AdditionalProperties);
    }
}
