using Mai.Client.Accounting;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mai.Client.Redis.Tests;

public sealed class RedisBudgetStoreTests(RedisServerFixture redis) : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 30, TimeSpan.Zero);

    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(Noon);
    private ConnectionMultiplexer _connection = null!;
    private RedisBudgetStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        _store = new RedisBudgetStore(_connection, _prefix, _time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _store.DisposeAsync();
            await _connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TryReserveAsync_SecondChargeDoesNotFit_RefusesWithItsBalanceAndAppliesNothing()
    {
        await _store.AdjustAsync([new BudgetCharge("b", 45, 0.000045m)], Ct);

        var result = await _store.TryReserveAsync(
            [new BudgetCharge("a", 10, 0.00001m) { TokenLimit = 100 }, new BudgetCharge("b", 10, 0.00001m) { TokenLimit = 50 }], Ct);

        Assert.Equal(new BudgetReservationResult(false, 1, new BudgetBalance(45, 0.000045m)), result);
        Assert.Equal(default, await _store.GetBalanceAsync("a", Ct));
        Assert.Equal(new BudgetBalance(45, 0.000045m), await _store.GetBalanceAsync("b", Ct));
    }

    [Fact]
    public async Task TryReserveAsync_ExactlyTheRemainingTokens_FitsAndOneMoreIsRefused()
    {
        BudgetCharge Charge(long tokens) => new("k", tokens, 0m) { TokenLimit = 100 };

        Assert.True((await _store.TryReserveAsync([Charge(60)], Ct)).Succeeded);
        Assert.True((await _store.TryReserveAsync([Charge(40)], Ct)).Succeeded);
        var refused = await _store.TryReserveAsync([Charge(1)], Ct);

        Assert.Equal(new BudgetReservationResult(false, 0, new BudgetBalance(100, 0m)), refused);
        Assert.Equal(100, (await _store.GetBalanceAsync("k", Ct)).Tokens);
    }

    [Fact]
    public async Task TryReserveAsync_CostsWithTwelveDecimals_AddUpExactlyToTheLimit()
    {
        BudgetCharge Charge(decimal cost) => new("k", 0, cost) { CostLimit = 0.001m };

        for (var i = 0; i < 3; i++)
        {
            Assert.True((await _store.TryReserveAsync([Charge(0.000333333333m)], Ct)).Succeeded);
        }

        Assert.True((await _store.TryReserveAsync([Charge(0.000000000001m)], Ct)).Succeeded);
        var refused = await _store.TryReserveAsync([Charge(0.000000000001m)], Ct);

        Assert.False(refused.Succeeded);
        Assert.Equal(0.001m, refused.Balance.Cost);
        Assert.Equal(0.001m, (await _store.GetBalanceAsync("k", Ct)).Cost);
    }

    [Fact]
    public async Task TryReserveAsync_CostWithThirteenDecimals_ThrowsAndAppliesNothing()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () =>
            await _store.TryReserveAsync([new BudgetCharge("ok", 1, 0.1m), new BudgetCharge("k", 1, 0.0000000000001m)], Ct));

        Assert.Equal("The cost 0.0000000000001 has more than 12 decimals; RedisBudgetStore stores costs exactly in units of 10^-12 and does not round them. (Parameter 'charges')", ex.Message);
        Assert.Equal(default, await _store.GetBalanceAsync("ok", Ct));
    }

    [Fact]
    public async Task TryReserveAsync_CostBeyondSixtyFourBitUnits_ThrowsNamingTheRange()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(async () => await _store.TryReserveAsync([new BudgetCharge("k", 1, 10_000_000m)], Ct));

        Assert.Equal("The cost 10000000 is beyond what RedisBudgetStore can hold exactly (±9223372.036854775807 per counter). (Parameter 'charges')", ex.Message);
    }

    [Fact]
    public async Task AdjustAsync_NegativeDelta_SettlesReservationToRealUsage()
    {
        Assert.True((await _store.TryReserveAsync([new BudgetCharge("k", 500, 0.0015m) { TokenLimit = 1000, CostLimit = 1m }], Ct)).Succeeded);

        await _store.AdjustAsync([new BudgetCharge("k", -450, -0.00135m)], Ct);

        Assert.Equal(new BudgetBalance(50, 0.00015m), await _store.GetBalanceAsync("k", Ct));
    }

    [Fact]
    public async Task TryReserveAsync_WindowedCounter_ExpiresFiveMinutesAfterTheWindowEndsByTheStoreClock()
    {
        var windowEnd = new DateTimeOffset(2026, 11, 29, 12, 1, 0, TimeSpan.Zero); // 30 s after the fake now

        await _store.TryReserveAsync([new BudgetCharge("minute", 1, 0m) { TokenLimit = 10, ExpiresAt = windowEnd }], Ct);
        await _store.TryReserveAsync([new BudgetCharge("total", 1, 0m) { TokenLimit = 10 }], Ct);

        var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(_prefix + "minute");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(329), TimeSpan.FromSeconds(330));
        Assert.Null(await _connection.GetDatabase().KeyTimeToLiveAsync(_prefix + "total"));
        Assert.True(await _connection.GetDatabase().KeyExistsAsync(_prefix + "total"));
    }

    [Fact]
    public async Task GetBalanceAsync_UnknownKey_IsZero()
    {
        Assert.Equal(default, await _store.GetBalanceAsync("never-written", Ct));
    }

    [Fact]
    public async Task TryReserveAsync_KeyPrefix_SeparatesStoresOnOneServer()
    {
        var other = new RedisBudgetStore(_connection, _prefix + "other:", _time);

        await _store.AdjustAsync([new BudgetCharge("k", 5, 0m)], Ct);

        Assert.Equal(default, await other.GetBalanceAsync("k", Ct));
        Assert.Equal(5, (await _store.GetBalanceAsync("k", Ct)).Tokens);
        Assert.True(await _connection.GetDatabase().KeyExistsAsync(_prefix + "k"));
    }

    [Fact]
    public async Task TryReserveAsync_TwoInstancesHundredConcurrentReservationsEach_NeverExceedTheLimit()
    {
        // Two multiplexers = two application instances. Cost binds: 0.5 / 0.003 = 166 fit; tokens (7 × 166 = 1162 ≤ 10000) do not.
        await using var second = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        var stores = new[] { _store, new RedisBudgetStore(second, _prefix, _time) };
        var charge = new BudgetCharge("shared", 7, 0.003m) { TokenLimit = 10_000, CostLimit = 0.5m };

        var attempts = Enumerable.Range(0, 200).Select(async i =>
        {
            await Task.Yield();
            return (await stores[i % 2].TryReserveAsync([charge], Ct)).Succeeded;
        });
        var results = await Task.WhenAll(attempts);

        Assert.Equal(166, results.Count(ok => ok));
        Assert.Equal(new BudgetBalance(1162, 0.498m), await stores[1].GetBalanceAsync("shared", Ct));
    }

    [Fact]
    public async Task Constructor_ConnectionString_ConnectsOnFirstUseAndOwnsTheConnection()
    {
        await using (var owned = new RedisBudgetStore(redis.Require(), _prefix, _time))
        {
            Assert.True((await owned.TryReserveAsync([new BudgetCharge("k", 3, 0.5m) { TokenLimit = 3 }], Ct)).Succeeded);
        }

        Assert.Equal(new BudgetBalance(3, 0.5m), await _store.GetBalanceAsync("k", Ct));
    }
}
