using System.Globalization;
using Mai.Client.Accounting;
using StackExchange.Redis;

namespace Mai.Client.Redis;

/// <summary>
/// An <see cref="IBudgetStore"/> in Redis, so every instance of an application draws on the same budget counters. A reservation
/// checks and charges every counter in one Lua script, so concurrent instances can never overspend a limit.
/// </summary>
/// <remarks>
/// <para>Each counter is a Redis hash at <c>{keyPrefix}{key}</c> (the key is <c>mai:budget:{limit}:{scope}:{window}:{start}</c>,
/// built by <see cref="BudgetChatClient"/>) holding tokens and cost as exact 64-bit integers; cost is kept in units of 10⁻¹² of
/// the currency, so a counter holds up to ±9,223,372.036854775807, and a cost with more than 12 decimals is refused with an
/// <see cref="ArgumentException"/> rather than rounded.</para>
/// <para>A counter expires five minutes after its window ends (measured with the store's <see cref="TimeProvider"/>, so the Redis
/// server's clock does not matter), which leaves time for long calls to settle; <see cref="BudgetWindow.Total"/> counters never
/// expire.</para>
/// <para>All keys of one reservation are used by one script: on Redis Cluster they must share a hash slot, so give a key prefix
/// with a hash tag (for example <c>{myapp}:</c>).</para>
/// <para>Thread-safe. Cancellation is honoured only before a reservation or adjustment is sent: once sent it completes, so no
/// reservation is left charged by an abandoned call.</para>
/// </remarks>
public sealed class RedisBudgetStore : IBudgetStore, IDisposable, IAsyncDisposable
{
    private static readonly TimeSpan ExpiryGrace = TimeSpan.FromMinutes(5);
    private static readonly RedisValue[] BalanceFields = ["t", "c"];

    private readonly RedisConnection _redis;
    private readonly string _keyPrefix;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="RedisBudgetStore"/> class on a connection the caller owns.</summary>
    /// <param name="connection">The connection; the caller keeps it open while the store is used and disposes it.</param>
    /// <param name="keyPrefix">Prepended to every counter key (to separate applications or environments sharing a Redis);
    /// <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock that sets counter expiry; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="connection"/> is <see langword="null"/>.</exception>
    public RedisBudgetStore(IConnectionMultiplexer connection, string? keyPrefix = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _redis = new RedisConnection(connection);
        _keyPrefix = keyPrefix ?? string.Empty;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Initializes a new instance of the <see cref="RedisBudgetStore"/> class that connects on first use and owns its connection.</summary>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="keyPrefix">Prepended to every counter key (to separate applications or environments sharing a Redis);
    /// <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock that sets counter expiry; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid configuration string.</exception>
    public RedisBudgetStore(string connectionString, string? keyPrefix = null, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _redis = new RedisConnection(ConfigurationOptions.Parse(connectionString));
        _keyPrefix = keyPrefix ?? string.Empty;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A charge is null or its cost cannot be stored exactly (more than 12 decimals, or beyond
    /// ±9,223,372.036854775807).</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused the script.</exception>
    public async ValueTask<BudgetReservationResult> TryReserveAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        if (charges.Count == 0)
        {
            return BudgetReservationResult.Success;
        }

        var result = await EvaluateAsync(charges, checkLimits: true, cancellationToken).ConfigureAwait(false);
        var parts = (RedisResult[])result!;
        var index = (int)parts[0];
        return index < 0
            ? BudgetReservationResult.Success
            : new BudgetReservationResult(false, index, ParseBalance((string?)parts[1], (string?)parts[2]));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A charge is null or its cost cannot be stored exactly.</exception>
    /// <exception cref="RedisException">Redis could not be reached or refused the script.</exception>
    public async ValueTask AdjustAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(charges);
        if (charges.Count > 0)
        {
            await EvaluateAsync(charges, checkLimits: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <exception cref="RedisException">Redis could not be reached.</exception>
    public async ValueTask<BudgetBalance> GetBalanceAsync(string key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        var database = await _redis.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        var values = await database.HashGetAsync(_keyPrefix + key, BalanceFields).WaitAsync(cancellationToken).ConfigureAwait(false);
        return ParseBalance(values[0], values[1]);
    }

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    public void Dispose() => _redis.Dispose();

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    /// <returns>A task that completes when the connection is closed.</returns>
    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    private async Task<RedisResult> EvaluateAsync(IReadOnlyList<BudgetCharge> charges, bool checkLimits, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var keys = new RedisKey[charges.Count];
        var args = new RedisValue[charges.Count * RedisBudgetScript.ArgsPerKey];
        for (var i = 0; i < charges.Count; i++)
        {
            var charge = charges[i] ?? throw new ArgumentException($"charges[{i}] is null.", nameof(charges));
            var at = i * RedisBudgetScript.ArgsPerKey;
            keys[i] = _keyPrefix + charge.Key;
            args[at] = charge.Tokens.ToString(CultureInfo.InvariantCulture);
            args[at + 1] = RedisBudgetUnits.ToUnits(charge.Cost, nameof(charges)).ToString(CultureInfo.InvariantCulture);
            args[at + 2] = checkLimits && charge.TokenLimit is { } tokenLimit ? RedisBudgetUnits.Threshold(tokenLimit, charge.Tokens) : string.Empty;
            args[at + 3] = checkLimits && charge.CostLimit is { } costLimit ? RedisBudgetUnits.Threshold(costLimit, charge.Cost) : string.Empty;
            args[at + 4] = charge.ExpiresAt is { } expires ? TimeToLive(expires, now) : string.Empty;
        }

        var database = await _redis.GetDatabaseAsync(cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        // Not cancellable once sent: abandoning it could leave a reservation charged that nobody settles.
        return await database.ScriptEvaluateAsync(RedisBudgetScript.Source, keys, args).ConfigureAwait(false);
    }

    private static string TimeToLive(DateTimeOffset expiresAt, DateTimeOffset now)
    {
        var left = expiresAt - now;
        var ttl = (left > TimeSpan.Zero ? left : TimeSpan.Zero) + ExpiryGrace;
        return ((long)Math.Ceiling(ttl.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static BudgetBalance ParseBalance(RedisValue tokens, RedisValue units) => new(
        tokens.IsNullOrEmpty ? 0 : long.Parse((string)tokens!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture),
        units.IsNullOrEmpty ? 0m : RedisBudgetUnits.FromUnits(long.Parse((string)units!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)));

    private static BudgetBalance ParseBalance(string? tokens, string? units) => ParseBalance((RedisValue)tokens, (RedisValue)units);

}
