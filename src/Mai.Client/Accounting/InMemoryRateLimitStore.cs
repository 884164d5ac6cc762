using System.Collections.Concurrent;

namespace Mai.Client.Accounting;

/// <summary>
/// The default <see cref="IRateLimitStore"/>: each deployment's TPM/RPM counts in process memory, over a sliding minute of six
/// 10-second segments. A client that is given no store gets one of its own; share one instance between clients to share their counts.
/// </summary>
/// <remarks>
/// <para>A reservation (the estimated prompt plus the output the attempt may produce) is counted when the attempt is admitted and
/// settled to the usage the service reports; without reported usage it stands. The service's <c>x-ratelimit-remaining-*</c> values
/// lower the counts (never raise them). A 429's wait is not recorded here: the resilience layer already makes every call of the
/// process skip the deployment until it ends.</para>
/// <para>Thread-safe; allocates nothing per attempt once a deployment has been seen.</para>
/// </remarks>
public sealed class InMemoryRateLimitStore : IRateLimitStore
{
    private readonly ConcurrentDictionary<DeploymentQuota, DeploymentRateLimiter> _limiters = new();
    private readonly Func<DeploymentQuota, DeploymentRateLimiter> _create;

    /// <summary>Initializes a new instance of the <see cref="InMemoryRateLimitStore"/> class.</summary>
    /// <param name="timeProvider">The clock the window slides by; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    public InMemoryRateLimitStore(TimeProvider? timeProvider = null)
    {
        var time = timeProvider ?? TimeProvider.System;
        _create = quota => new DeploymentRateLimiter(quota, time);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentNullException"><paramref name="quota"/> is <see langword="null"/>.</exception>
    public ValueTask<RateLimitLease> TryAcquireAsync(DeploymentQuota quota, int tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return new(Limiter(quota).TryAcquire(tokens));
    }

    /// <inheritdoc/>
    public ValueTask SettleAsync(RateLimitLease lease, RateLimitSettlement settlement, CancellationToken cancellationToken = default)
    {
        if (lease.IsAcquired)
        {
            Limiter(lease.Quota!).Settle(lease, settlement);
        }

        return ValueTask.CompletedTask;
    }

    private DeploymentRateLimiter Limiter(DeploymentQuota quota) =>
        _limiters.TryGetValue(quota, out var limiter) ? limiter : _limiters.GetOrAdd(quota, _create);
}
