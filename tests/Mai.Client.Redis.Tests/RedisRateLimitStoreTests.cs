using Mai.Client.Accounting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mai.Client.Redis.Tests;

/// <summary>The Redis rate-limit store against a real redis-server: one quota shared by instances on separate connections.</summary>
public sealed class RedisRateLimitStoreTests(RedisServerFixture redis)
{
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 5, TimeSpan.Zero));
    private readonly DeploymentQuota _quota = new("gpt4o-east", tokensPerMinute: 100, requestsPerMinute: 10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TryAcquireAsync_TwoInstancesOnTheirOwnConnections_ShareOneQuota()
    {
        await using var a = await Instance();
        await using var b = await Instance();

        Assert.True((await a.Store.TryAcquireAsync(_quota, 70, Ct)).IsAcquired);
        var refused = await b.Store.TryAcquireAsync(_quota, 31, Ct);
        var fits = await b.Store.TryAcquireAsync(_quota, 30, Ct);

        Assert.Equal(RateLimitRefusal.Tokens, refused.Refusal);
        Assert.Equal(100, refused.Limit);
        Assert.Equal(30, refused.Remaining);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 0, 10, TimeSpan.Zero), refused.RetryAt); // the window's next slide
        Assert.True(fits.IsAcquired);
        Assert.Null(fits.State);
    }

    [Fact]
    public async Task TryAcquireAsync_RequestsPerMinuteSpent_RefusesEveryInstance()
    {
        await using var a = await Instance();
        await using var b = await Instance();
        var quota = new DeploymentQuota("rpm-only", null, requestsPerMinute: 2);

        await a.Store.TryAcquireAsync(quota, 1000, Ct);
        await b.Store.TryAcquireAsync(quota, 1000, Ct);
        var refused = await a.Store.TryAcquireAsync(quota, 1, Ct);

        Assert.Equal(RateLimitRefusal.Requests, refused.Refusal);
        Assert.Equal(2, refused.Limit);
        Assert.Equal(0, refused.Remaining);
    }

    [Fact]
    public async Task TryAcquireAsync_Window_SlidesOnEpochAlignedTenSecondSegments()
    {
        await using var a = await Instance();
        await a.Store.TryAcquireAsync(_quota, 100, Ct); // counted in 12:00:00–12:00:10

        _time.Advance(TimeSpan.FromSeconds(54)); // 12:00:59
        var refused = await a.Store.TryAcquireAsync(_quota, 1, Ct);
        _time.Advance(TimeSpan.FromSeconds(1)); // 12:01:00
        var admitted = await a.Store.TryAcquireAsync(_quota, 100, Ct);

        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 1, 0, TimeSpan.Zero), refused.RetryAt);
        Assert.True(admitted.IsAcquired);
    }

    [Fact]
    public async Task SettleAsync_ReportedUsage_GivesTheUnusedReservationBackToEveryInstance()
    {
        await using var a = await Instance();
        await using var b = await Instance();
        var lease = await a.Store.TryAcquireAsync(_quota, 80, Ct);
        _time.Advance(TimeSpan.FromSeconds(20)); // settled in a later segment: the reservation's own segment is corrected

        await a.Store.SettleAsync(lease, new RateLimitSettlement(UsedTokens: 35), Ct);

        Assert.Equal(65, (await b.Store.TryAcquireAsync(_quota, 66, Ct)).Remaining);
        Assert.True((await b.Store.TryAcquireAsync(_quota, 65, Ct)).IsAcquired);
    }

    [Fact]
    public async Task SettleAsync_ServiceReportsFewRemainingTokens_SlowsEveryInstanceDown()
    {
        await using var a = await Instance();
        await using var b = await Instance();
        var lease = await a.Store.TryAcquireAsync(_quota, 10, Ct);

        await a.Store.SettleAsync(lease, new RateLimitSettlement(UsedTokens: 10, RemainingTokens: 25, RemainingRequests: 9), Ct);
        await a.Store.SettleAsync(lease, new RateLimitSettlement(null, RemainingTokens: 80), Ct); // never raised

        var refused = await b.Store.TryAcquireAsync(_quota, 26, Ct);
        Assert.Equal(25, refused.Remaining);
    }

    [Fact]
    public async Task SettleAsync_429RetryAfter_EveryInstanceWaitsItOut()
    {
        await using var a = await Instance();
        await using var b = await Instance();
        var lease = await a.Store.TryAcquireAsync(_quota, 10, Ct);

        await a.Store.SettleAsync(lease, new RateLimitSettlement(UsedTokens: 0, RetryAfter: TimeSpan.FromSeconds(7)), Ct);
        var refused = await b.Store.TryAcquireAsync(_quota, 10, Ct);
        _time.Advance(TimeSpan.FromSeconds(7));
        var admitted = await b.Store.TryAcquireAsync(_quota, 10, Ct);

        Assert.Equal(RateLimitRefusal.ServiceWait, refused.Refusal);
        Assert.Equal(_time.GetUtcNow(), refused.RetryAt);
        Assert.True(admitted.IsAcquired);
    }

    [Fact]
    public async Task TryAcquireAsync_RedisFrozen_FailsOpenToTheLocalLimiterAfterTheTimeoutWithOneWarning()
    {
        await using var server = await RedisServerFixture.StartPrivateAsync();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        await using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisRateLimitStore(connection, new RedisRateLimitStoreOptions { KeyPrefix = _prefix }, _time, loggerFactory);
        Assert.True((await store.TryAcquireAsync(_quota, 60, Ct)).IsAcquired); // shared: 40 left in Redis

        await server.FreezeAsync();
        var pending = store.TryAcquireAsync(_quota, 60, Ct).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(250)); // the store's timeout
        var local = await pending;
        var again = await store.TryAcquireAsync(_quota, 40, Ct); // within the retry interval: straight to the local limiter

        Assert.True(local.IsAcquired); // the local limiter has the whole quota
        Assert.NotNull(local.State);
        Assert.True(again.IsAcquired);
        Assert.True(store.IsFallingBack);
        var warning = Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning);
        Assert.Contains("TimeoutException", warning.Message, StringComparison.Ordinal);
        await server.ThawAsync();
    }

    [Fact]
    public async Task TryAcquireAsync_RedisStoppedMidRunAndRestarted_AdmitsLocallyThenSharedAgain()
    {
        await using var server = await RedisServerFixture.StartPrivateAsync();
        var logs = new FakeLogCollector();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(logs)));
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.BacklogPolicy = BacklogPolicy.FailFast; // a command while disconnected fails at once instead of waiting for the timeout
        options.AbortOnConnectFail = false;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisRateLimitStore(connection, new RedisRateLimitStoreOptions { KeyPrefix = _prefix }, _time, loggerFactory);
        var shared = await store.TryAcquireAsync(_quota, 90, Ct);

        var lost = WhenConnection(connection, up: false);
        await server.StopAsync();
        await lost;
        var duringOutage = new List<RateLimitLease>();
        for (var i = 0; i < 3; i++)
        {
            duringOutage.Add(await store.TryAcquireAsync(_quota, 30, Ct)); // local: the whole quota, 100 tokens
            _time.Advance(TimeSpan.FromSeconds(2)); // within the 5 s retry interval: Redis is not asked
        }

        var back = WhenConnection(connection, up: true);
        await server.StartAsync();
        await back;
        await WhenCommandsAnswered(connection);
        _time.Advance(TimeSpan.FromSeconds(5));
        var afterOutage = await store.TryAcquireAsync(_quota, 100, Ct); // a fresh Redis: the shared count was lost with it

        Assert.Null(shared.State);
        Assert.All(duringOutage, l => Assert.True(l.IsAcquired));
        Assert.All(duringOutage, l => Assert.NotNull(l.State)); // taken by the local limiter
        Assert.True(afterOutage.IsAcquired);
        Assert.Null(afterOutage.State);
        Assert.False(store.IsFallingBack);
        Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Warning); // once per outage, not per call
        Assert.Single(logs.GetSnapshot(), r => r.Level == LogLevel.Information && r.Message.Contains("answers again", StringComparison.Ordinal));
        Assert.Equal(100, (long)await connection.GetDatabase().HashGetAsync($"{_prefix}mai:rate:gpt4o-east", $"t{_time.GetUtcNow().ToUnixTimeMilliseconds() / 10_000}"));
    }

    [Fact]
    public void Constructor_InvalidTimeout_ThrowsNamingTheOption()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RedisRateLimitStore("127.0.0.1:1", new RedisRateLimitStoreOptions { Timeout = TimeSpan.Zero }));

        Assert.Equal("RedisRateLimitStoreOptions.Timeout must be positive (was 00:00:00). (Parameter 'options')", ex.Message);
    }

    private static Task WhenConnection(IConnectionMultiplexer connection, bool up)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (up)
        {
            connection.ConnectionRestored += (_, _) => done.TrySetResult();
        }
        else
        {
            connection.ConnectionFailed += (_, _) => done.TrySetResult();
        }

        return done.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Waits until a command on the connection is answered: <see cref="IConnectionMultiplexer.ConnectionRestored"/> fires for the
    /// first of its connections back (the subscription one may come before the one commands use). Polls the real server, which
    /// has no clock to fake, for at most 30 s.
    /// </summary>
    private static async Task WhenCommandsAnswered(IConnectionMultiplexer connection)
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        while (true)
        {
            try
            {
                await connection.GetDatabase().PingAsync().WaitAsync(guard.Token);
                return;
            }
            catch (RedisException)
            {
                await Task.Delay(20, guard.Token);
            }
        }
    }

    private async Task<Instance> Instance()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        return new Instance(connection, new RedisRateLimitStore(connection, new RedisRateLimitStoreOptions { KeyPrefix = _prefix }, _time));
    }
}

/// <summary>One application instance: its own connection and store.</summary>
internal sealed record Instance(ConnectionMultiplexer Connection, RedisRateLimitStore Store) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
