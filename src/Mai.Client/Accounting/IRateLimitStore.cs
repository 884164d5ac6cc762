namespace Mai.Client.Accounting;

/// <summary>
/// Where deployments' client-side TPM/RPM quotas are counted. The metering layer asks it once before each attempt
/// (<see cref="TryAcquireAsync"/>) and tells it once after (<see cref="SettleAsync"/>), so a store shared by every instance of an
/// application (Redis, in <c>Mai.Client.Redis</c>) admits calls against the deployment's one real quota.
/// </summary>
/// <remarks>
/// <para>The default is <see cref="InMemoryRateLimitStore"/>: counts in process memory, one store per client unless you share one.</para>
/// <para>Implementations are thread-safe, and should not throw for an unreachable backend: a store that cannot answer decides
/// itself whether to admit (fail open) or refuse (fail closed), because the call it gates has not been sent yet.</para>
/// </remarks>
public interface IRateLimitStore
{
    /// <summary>Takes one request and <paramref name="tokens"/> tokens from the deployment's quota, or refuses without taking anything.</summary>
    /// <param name="quota">The deployment and its limits.</param>
    /// <param name="tokens">The tokens the attempt may use: the estimated prompt plus the output it may produce.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The lease to settle after the attempt, or a refusal saying which limit did not fit and when to try again.</returns>
    ValueTask<RateLimitLease> TryAcquireAsync(DeploymentQuota quota, int tokens, CancellationToken cancellationToken = default);

    /// <summary>Settles an acquired lease once its attempt has ended: the reservation becomes the reported usage, and what the
    /// service said about its own quota (remaining tokens and requests, a 429's wait) is applied.</summary>
    /// <param name="lease">The lease <see cref="TryAcquireAsync"/> returned (a refused one is ignored).</param>
    /// <param name="settlement">What the attempt used and what the service reported; each part may be absent.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the settlement is applied.</returns>
    ValueTask SettleAsync(RateLimitLease lease, RateLimitSettlement settlement, CancellationToken cancellationToken = default);
}
