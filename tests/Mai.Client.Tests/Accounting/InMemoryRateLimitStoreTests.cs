using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Accounting;

/// <summary>The default rate-limit store: a sliding minute of six epoch-aligned 10 s segments, settled to reported usage.</summary>
public class InMemoryRateLimitStoreTests
{
    private static readonly DeploymentQuota Quota = new("gpt4o-east", tokensPerMinute: 100, requestsPerMinute: null);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 5, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SettleAsync_ReportedUsage_GivesBackTheUnusedReservation()
    {
        var store = new InMemoryRateLimitStore(_time);
        var lease = await store.TryAcquireAsync(Quota, 60, Ct);

        await store.SettleAsync(lease, new RateLimitSettlement(UsedTokens: 25), Ct);

        Assert.True((await store.TryAcquireAsync(Quota, 75, Ct)).IsAcquired);
        var refused = await store.TryAcquireAsync(Quota, 1, Ct);
        Assert.Equal(RateLimitRefusal.Tokens, refused.Refusal);
        Assert.Equal(0, refused.Remaining);
    }

    [Fact]
    public async Task SettleAsync_NoReportedUsage_KeepsTheReservation()
    {
        var store = new InMemoryRateLimitStore(_time);
        var lease = await store.TryAcquireAsync(Quota, 60, Ct);

        await store.SettleAsync(lease, new RateLimitSettlement(UsedTokens: null), Ct);

        var refused = await store.TryAcquireAsync(Quota, 41, Ct);
        Assert.Equal(40, refused.Remaining);
    }

    [Fact]
    public async Task TryAcquireAsync_Window_SlidesOnEpochAlignedTenSecondSegments()
    {
        var store = new InMemoryRateLimitStore(_time);
        Assert.True((await store.TryAcquireAsync(Quota, 100, Ct)).IsAcquired); // counted in segment 12:00:00–12:00:10

        _time.Advance(TimeSpan.FromSeconds(54)); // 12:00:59: still in the window
        var refused = await store.TryAcquireAsync(Quota, 1, Ct);
        _time.Advance(TimeSpan.FromSeconds(1)); // 12:01:00: the first segment left it

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 1, 0, TimeSpan.Zero), refused.RetryAt);
        Assert.True((await store.TryAcquireAsync(Quota, 100, Ct)).IsAcquired);
    }

    [Fact]
    public async Task SettleAsync_LeaseSegmentLeftTheWindow_ChangesNothing()
    {
        var store = new InMemoryRateLimitStore(_time);
        var old = await store.TryAcquireAsync(Quota, 100, Ct);
        _time.Advance(TimeSpan.FromSeconds(55));
        Assert.True((await store.TryAcquireAsync(Quota, 100, Ct)).IsAcquired);

        await store.SettleAsync(old, new RateLimitSettlement(UsedTokens: 0), Ct); // must not free room in the new window

        Assert.Equal(0, (await store.TryAcquireAsync(Quota, 1, Ct)).Remaining);
    }

    [Fact]
    public async Task SettleAsync_ServiceReportsLessRemaining_LowersNeverRaises()
    {
        var store = new InMemoryRateLimitStore(_time);
        var lease = await store.TryAcquireAsync(Quota, 10, Ct);

        await store.SettleAsync(lease, new RateLimitSettlement(null, RemainingTokens: 30), Ct);
        Assert.Equal(30, (await store.TryAcquireAsync(Quota, 31, Ct)).Remaining);
        await store.SettleAsync(lease, new RateLimitSettlement(null, RemainingTokens: 95), Ct);
        Assert.Equal(30, (await store.TryAcquireAsync(Quota, 31, Ct)).Remaining);
    }

    [Fact]
    public async Task MeteringChatClient_TwoClientsShareOneStore_AdmitAgainstOneQuota()
    {
        var store = new InMemoryRateLimitStore(_time);
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 20, TotalTokenCount = 30 },
            }),
        };
        MeteringOptions Options() => new() { TokensPerMinute = 100, RateLimitStore = store };
        using var a = new MeteringChatClient(inner, "gpt4o-east", "gpt-4o", Options(), timeProvider: _time);
        using var b = new MeteringChatClient(inner, "gpt4o-east", "gpt-4o", Options(), timeProvider: _time);
        var options = new ChatOptions { MaxOutputTokens = 50 }; // reserves 10 + 50, settles to 30
        ChatMessage[] prompt = [new(ChatRole.User, "Hello world!")];

        await a.GetResponseAsync(prompt, options, Ct);
        await b.GetResponseAsync(prompt, options, Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => a.GetResponseAsync(prompt, options, Ct));

        Assert.Equal(2, inner.Calls);
        Assert.Equal(40m, ex.Remaining);
        Assert.Equal(60m, ex.Requested);
    }
}
