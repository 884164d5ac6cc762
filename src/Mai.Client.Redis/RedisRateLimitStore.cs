using System.Globalization;
using Mai.Client.Accounting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Mai.Client.Redis;

/// <summary>
/// An <see cref="IRateLimitStore"/> in Redis, so every instance of an application admits calls against each deployment's one
/// TPM/RPM quota: one Lua script per admission checks the window and takes one request and the attempt's reservation, and one per
/// settlement moves the reservation to the reported usage and applies what the service said about its quota.
/// </summary>
/// <remarks>
/// <para><b>Window.</b> A sliding minute of six 10-second segments aligned to the Unix epoch, as <see cref="InMemoryRateLimitStore"/>
/// keeps it and as Azure evaluates its per-minute quotas in 10-second steps: an attempt is admitted when the segment it starts in
/// and the five before it leave room for it; its count leaves the window one minute later. Refusals carry the next slide as
/// <see cref="RateLimitLease.RetryAt"/>. Time comes from the store's <see cref="TimeProvider"/>, not the Redis server.</para>
/// <para><b>Learning.</b> A settlement that carries the service's remaining tokens or requests (<c>x-ratelimit-remaining-*</c>,
/// <c>anthropic-ratelimit-*-remaining</c>) lowers the shared window's room to that (never raises it), so every instance slows down
/// when one sees the quota run low. A 429's wait is stored as a "blocked until" time that every instance honours: until then
/// attempts are refused with <see cref="RateLimitRefusal.ServiceWait"/>.</para>
/// <para><b>When Redis is slow or down</b> the store fails open: an operation that fails or takes longer than
/// <see cref="RedisRateLimitStoreOptions.Timeout"/> is done by a local <see cref="InMemoryRateLimitStore"/> instead (each instance
/// then admits against the whole quota on its own, as without a shared store), one warning is logged per outage, and Redis is asked
/// again after <see cref="RedisRateLimitStoreOptions.RetryInterval"/>; a notice is logged when it answers again. A lease taken
/// locally is settled locally. An admission that timed out may still be applied by Redis later; it then counts until it leaves
/// the window (an over-count, never an under-count).</para>
/// <para>One hash per deployment at <c>{KeyPrefix}mai:rate:{deployment}</c>, expiring a little after the window (or the wait) ends.
/// Thread-safe. Cancellation is honoured while waiting for Redis; a script already sent still completes.</para>
/// </remarks>
public sealed partial class RedisRateLimitStore : IRateLimitStore, IDisposable, IAsyncDisposable
{
    /// <summary>Marks a lease the local limiter took during an outage.</summary>
    private static readonly object LocalLease = new();

    private readonly RedisConnection _redis = null!; // set by each public constructor after the shared one
    private readonly string _keyPrefix;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _retryInterval;
    private readonly TimeProvider _timeProvider;
    private readonly InMemoryRateLimitStore _local;
    private readonly ILogger _logger;
    private long _skipUntilTicks;
    private int _outage;

    /// <summary>Initializes a new instance of the <see cref="RedisRateLimitStore"/> class on a connection the caller owns.</summary>
    /// <param name="connection">The connection; the caller keeps it open while the store is used and disposes it.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock the window slides by and the timeouts are measured with; <see langword="null"/> for
    /// <see cref="TimeProvider.System"/>. Every instance sharing the store must keep its clock in step (NTP is enough: the window
    /// moves in 10-second segments).</param>
    /// <param name="loggerFactory">Logs the one warning per Redis outage and the notice when it ends; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public RedisRateLimitStore(IConnectionMultiplexer connection, RedisRateLimitStoreOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _redis = new RedisConnection(connection);
    }

    /// <summary>Initializes a new instance of the <see cref="RedisRateLimitStore"/> class that connects on first use and owns its connection.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <param name="timeProvider">The clock the window slides by and the timeouts are measured with; <see langword="null"/> for
    /// <see cref="TimeProvider.System"/>. Every instance sharing the store must keep its clock in step (NTP is enough: the window
    /// moves in 10-second segments).</param>
    /// <param name="loggerFactory">Logs the one warning per Redis outage and the notice when it ends; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid configuration string, or an option is invalid.</exception>
    public RedisRateLimitStore(string connectionString, RedisRateLimitStoreOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(options, timeProvider, loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var configuration = ConfigurationOptions.Parse(connectionString);
        configuration.AbortOnConnectFail = false; // an outage at start-up is an outage like any other: admit locally
        _redis = new RedisConnection(configuration);
    }

    private RedisRateLimitStore(RedisRateLimitStoreOptions? options, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        options ??= new RedisRateLimitStoreOptions();
        if (options.Timeout <= TimeSpan.Zero && options.Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException($"RedisRateLimitStoreOptions.Timeout must be positive (was {options.Timeout}).", nameof(options));
        }

        if (options.RetryInterval < TimeSpan.Zero)
        {
            throw new ArgumentException($"RedisRateLimitStoreOptions.RetryInterval must not be negative (was {options.RetryInterval}).", nameof(options));
        }

        _keyPrefix = (options.KeyPrefix ?? string.Empty) + RedisRateLimitDefaults.KeyRoot;
        _timeout = options.Timeout;
        _retryInterval = options.RetryInterval;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _local = new InMemoryRateLimitStore(_timeProvider);
        _logger = loggerFactory?.CreateLogger<RedisRateLimitStore>() ?? NullLogger<RedisRateLimitStore>.Instance;
    }

    /// <summary>Gets a value indicating whether the store is admitting locally because Redis failed or was too slow.</summary>
    public bool IsFallingBack => Volatile.Read(ref _outage) == 1;

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="quota"/> is <see langword="null"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask<RateLimitLease> TryAcquireAsync(DeploymentQuota quota, int tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quota);
        var now = _timeProvider.GetUtcNow();
        if (!Skipping(now))
        {
            RedisValue[] args =
            [
                now.ToUnixTimeMilliseconds(),
                Limit(quota.TokensPerMinute),
                Limit(quota.RequestsPerMinute),
                Math.Max(0, tokens),
            ];
            var result = await EvaluateAsync(RedisRateLimitScript.Acquire, quota, args, cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                var parts = (RedisResult[])result!;
                var kind = (int)parts[0];
                return kind switch
                {
                    0 => RateLimitLease.Acquired(quota, tokens, now),
                    _ => RateLimitLease.Refused(
                        quota,
                        tokens,
                        now,
                        kind switch { 1 => RateLimitRefusal.Tokens, 2 => RateLimitRefusal.Requests, _ => RateLimitRefusal.ServiceWait },
                        (long)parts[1],
                        (long)parts[2],
                        DateTimeOffset.FromUnixTimeMilliseconds((long)parts[3])),
                };
            }
        }

        var local = await _local.TryAcquireAsync(quota, tokens, cancellationToken).ConfigureAwait(false);
        return local.IsAcquired ? RateLimitLease.Acquired(quota, tokens, local.At, LocalLease) : local;
    }

    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async ValueTask SettleAsync(RateLimitLease lease, RateLimitSettlement settlement, CancellationToken cancellationToken = default)
    {
        if (!lease.IsAcquired || settlement == default)
        {
            return;
        }

        var quota = lease.Quota!;
        var now = _timeProvider.GetUtcNow();
        if (!ReferenceEquals(lease.State, LocalLease) && !Skipping(now))
        {
            RedisValue[] args =
            [
                now.ToUnixTimeMilliseconds(),
                Limit(quota.TokensPerMinute),
                Limit(quota.RequestsPerMinute),
                Math.DivRem(lease.At.ToUnixTimeMilliseconds(), RedisRateLimitScript.SegmentMilliseconds, out var rem) - (rem < 0 ? 1 : 0),
                settlement.UsedTokens is { } used ? Math.Max(0, used) - Math.Max(0, lease.Tokens) : RedisValue.EmptyString,
                Optional(settlement.RemainingTokens),
                Optional(settlement.RemainingRequests),
                settlement.RetryAfter is { } wait && wait > TimeSpan.Zero
                    ? now.ToUnixTimeMilliseconds() + (long)Math.Ceiling(wait.TotalMilliseconds)
                    : RedisValue.EmptyString,
            ];
            if (await EvaluateAsync(RedisRateLimitScript.Settle, quota, args, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        // A local lease, or Redis is unreachable: at least this instance learns what the service said.
        await _local.SettleAsync(ReferenceEquals(lease.State, LocalLease) ? lease : RateLimitLease.Acquired(quota, 0, lease.At), settlement, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    public void Dispose() => _redis.Dispose();

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private static RedisValue Limit(int? limit) => limit is { } value ? value : RedisValue.EmptyString;

    private static RedisValue Optional(long? value) => value is { } v ? v : RedisValue.EmptyString;

    private bool Skipping(DateTimeOffset now) => now.UtcTicks < Volatile.Read(ref _skipUntilTicks);

    /// <summary>Runs a script within the timeout; <see langword="null"/> when Redis failed or was too slow (the outage is recorded).</summary>
    private async ValueTask<RedisResult?> EvaluateAsync(string script, DeploymentQuota quota, RedisValue[] args, CancellationToken cancellationToken)
    {
        Task<RedisResult>? pending = null;
        try
        {
            var database = await _redis.GetDatabaseAsync(cancellationToken).AsTask().WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            pending = database.ScriptEvaluateAsync(script, [(RedisKey)(_keyPrefix + quota.Deployment)], args);
            var result = await pending.WaitAsync(_timeout, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (Interlocked.Exchange(ref _outage, 0) == 1)
            {
                LogRecovered(_logger);
            }

            return result;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            if (pending is { IsCompleted: false })
            {
                // Observe its eventual failure; the answer itself no longer matters.
                _ = pending.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            Volatile.Write(ref _skipUntilTicks, (_timeProvider.GetUtcNow() + _retryInterval).UtcTicks);
            if (Interlocked.Exchange(ref _outage, 1) == 0)
            {
                LogOutage(_logger, ex.GetType().Name, _retryInterval, ex);
            }

            return null;
        }
    }


    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The Redis rate-limit store failed ({Failure}); admitting against the local in-process limiter, and asking Redis again every {RetryInterval}. Logged once per outage.")]
    private static partial void LogOutage(ILogger logger, string failure, TimeSpan retryInterval, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "The Redis rate-limit store answers again; admitting against the shared counts.")]
    private static partial void LogRecovered(ILogger logger);
}
