using System.Runtime.CompilerServices;
using Azure;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace Mai.Client.Tests.Resilience;

public class ResilientChatClientStreamingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static MaiResilienceOptions Options(TestClock time, Action<MaiResilienceOptions>? configure = null)
    {
        var options = new MaiResilienceOptions
        {
            TotalTimeout = Timeout.InfiniteTimeSpan,
            FirstUpdateTimeout = Timeout.InfiniteTimeSpan,
            IdleTimeout = Timeout.InfiniteTimeSpan,
            BaseDelay = TimeSpan.Zero,
        };
        configure?.Invoke(options);
        return options;
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Stream(
        IEnumerable<AIContent[]> updates, Exception? failAfter = null, Func<CancellationToken, Task>? stallAfter = null, bool yieldBetween = true, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var contents in updates)
        {
            if (yieldBetween)
            {
                await Task.Yield();
            }

            yield return new ChatResponseUpdate(ChatRole.Assistant, [.. contents]);
        }

        if (stallAfter is not null)
        {
            await stallAfter(cancellationToken);
        }

        if (failAfter is not null)
        {
            throw failAfter;
        }
    }

    private static AIContent[][] Words(params string[] words) => [.. words.Select(w => new AIContent[] { new TextContent(w) })];

    private static async Task<(string Text, int Count)> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var text = string.Empty;
        var count = 0;
        await foreach (var update in stream)
        {
            text += update.Text;
            count++;
        }

        return (text, count);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailsBeforeFirstUpdate_RetriedAndAnswerSeenOnce()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) => inner.Calls == 1
            ? Stream([], Failures.Status(503), cancellationToken: token)
            : Stream(Words("Hello", " world"), cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var context = new MaiCallContext();

        var (text, count) = await ReadAllAsync(client.GetStreamingResponseAsync("hi", MaiCallContext.Attach(null, context), Ct));

        Assert.Equal("Hello world", text);
        Assert.Equal(2, count);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(["http_503", "ok"], context.Attempts.Select(a => a.Reason));
        Assert.Equal([503, 200], context.Attempts.Select(a => a.Status));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailsAfterFiveUpdates_NotRetriedAndExceptionHoldsWhatArrived()
    {
        var time = new TestClock();
        var cut = new IOException("connection reset by peer");
        var usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 5 };
        AIContent[][] updates =
        [
            [new TextReasoningContent("Let me think. "), new TextContent("One")],
            [new TextContent(", two")],
            [new TextContent(", three"), new UsageContent(usage)],
            [new TextContent(", four")],
            [new TextContent(", five")],
        ];
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) => Stream(updates, cut, cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var seen = string.Empty;
        var seenCount = 0;

        var e = await Assert.ThrowsAsync<StreamInterruptedException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("hi", null, Ct))
            {
                seen += update.Text;
                seenCount++;
            }
        });

        Assert.Equal(1, inner.Calls);
        Assert.Equal(5, seenCount);
        Assert.Equal("One, two, three, four, five", seen);
        Assert.Equal(seen, e.Text);
        Assert.Equal("Let me think. ", e.ReasoningText);
        Assert.Equal(5, e.UpdateCount);
        Assert.Same(usage, e.Usage);
        Assert.Same(cut, e.InnerException);
        var attempt = Assert.Single(e.GetMaiAttempts());
        Assert.Equal(new MaiAttempt(1, null, null, "connection_failure", TimeSpan.Zero, TimeSpan.Zero), attempt);
        Assert.Contains("after 5 update(s) (27 characters of answer text)", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("One, two", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FirstUpdateTimeout_RetriedOnFakeTime()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) => inner.Calls == 1
            ? Stream([], stallAfter: t => Task.Delay(Timeout.InfiniteTimeSpan, t), cancellationToken: token)
            : Stream(Words("late", " but fine"), cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time, o => o.FirstUpdateTimeout = TimeSpan.FromSeconds(20)), timeProvider: time);
        var context = new MaiCallContext();

        var read = ReadAllAsync(client.GetStreamingResponseAsync("hi", MaiCallContext.Attach(null, context), Ct));
        Assert.Equal(TimeSpan.FromSeconds(20), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(20));
        var (text, _) = await read.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        Assert.Equal("late but fine", text);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(new MaiAttempt(1, null, null, "first_update_timeout", TimeSpan.Zero, TimeSpan.FromSeconds(20)), context.Attempts[0]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_IdleAfterTwoUpdates_InterruptedNotRetried()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) =>
            Stream(Words("partial", " answer"), stallAfter: t => Task.Delay(Timeout.InfiniteTimeSpan, t), yieldBetween: false, cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time, o => o.IdleTimeout = TimeSpan.FromSeconds(15)), timeProvider: time);

        // The two updates complete synchronously, so the only timer is the idle wait for the stalled third one.
        var read = ReadAllAsync(client.GetStreamingResponseAsync("hi", null, Ct));
        Assert.Equal(TimeSpan.FromSeconds(15), await time.NextTimerAsync());
        time.Advance(TimeSpan.FromSeconds(15));
        var e = await Assert.ThrowsAsync<StreamInterruptedException>(() => read.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.Equal(1, inner.Calls);
        Assert.Equal("partial answer", e.Text);
        Assert.Equal(2, e.UpdateCount);
        var timeout = Assert.IsType<TimeoutRejectedException>(e.InnerException);
        Assert.Equal(TimeSpan.FromSeconds(15), timeout.Timeout);
        var attempt = Assert.Single(e.GetMaiAttempts());
        Assert.Equal("idle_timeout", attempt.Reason);
        Assert.Equal(TimeSpan.FromSeconds(15), attempt.Duration);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PermanentFailureBeforeFirstUpdate_NotRetried()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) => Stream([], Failures.Status(400, "content_filter"), cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);

        var e = await Assert.ThrowsAsync<RequestFailedException>(() => ReadAllAsync(client.GetStreamingResponseAsync("hi", null, Ct)));

        Assert.Equal("content_filter", e.ErrorCode);
        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsEarly_RecordedAsAbandoned()
    {
        var time = new TestClock();
        var inner = new TestChatClient();
        inner.GetStreamingResponseAsyncCallback = (_, _, token) => Stream(Words("a", "b", "c"), cancellationToken: token);
        using var client = new ResilientChatClient(inner, Options(time), timeProvider: time);
        var context = new MaiCallContext();

        await foreach (var update in client.GetStreamingResponseAsync("hi", MaiCallContext.Attach(null, context), Ct))
        {
            Assert.Equal("a", update.Text);
            break;
        }

        Assert.Equal("abandoned", Assert.Single(context.Attempts).Reason);
    }
}
