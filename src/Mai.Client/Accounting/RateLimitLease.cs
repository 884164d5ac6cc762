namespace Mai.Client.Accounting;

/// <summary>
/// What <see cref="IRateLimitStore.TryAcquireAsync"/> answered: an acquired reservation of one request and some tokens, to settle
/// after the attempt, or a refusal naming the limit that did not fit.
/// </summary>
/// <remarks>A value type, so the in-process path allocates nothing per attempt.</remarks>
public readonly record struct RateLimitLease
{
    private RateLimitLease(DeploymentQuota quota, int tokens, DateTimeOffset at, RateLimitRefusal refusal, long limit, long remaining, DateTimeOffset? retryAt, object? state)
    {
        Quota = quota;
        Tokens = tokens;
        At = at;
        Refusal = refusal;
        Limit = limit;
        Remaining = remaining;
        RetryAt = retryAt;
        State = state;
    }

    /// <summary>Gets a value indicating whether the reservation was taken (the attempt may be sent).</summary>
    public bool IsAcquired => Quota is not null && Refusal == RateLimitRefusal.None;

    /// <summary>Gets the deployment's quota; <see langword="null"/> only for <c>default</c>.</summary>
    public DeploymentQuota? Quota { get; }

    /// <summary>Gets the tokens reserved (or, when refused, the tokens asked for).</summary>
    public int Tokens { get; }

    /// <summary>Gets when the reservation was counted (its window segment) or the refusal made.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Gets why the attempt was refused, or <see cref="RateLimitRefusal.None"/>.</summary>
    public RateLimitRefusal Refusal { get; }

    /// <summary>Gets the refused limit per minute (tokens or requests); 0 for <see cref="RateLimitRefusal.ServiceWait"/>.</summary>
    public long Limit { get; }

    /// <summary>Gets what was left of the refused limit in the current window.</summary>
    public long Remaining { get; }

    /// <summary>Gets when to try again: the window's next slide, or the end of the service's wait.</summary>
    public DateTimeOffset? RetryAt { get; }

    /// <summary>Gets the store's own bookkeeping for settling (for example where the reservation was counted); <see langword="null"/> for
    /// <see cref="InMemoryRateLimitStore"/>.</summary>
    public object? State { get; }

    /// <summary>Creates an acquired lease.</summary>
    /// <param name="quota">The deployment's quota.</param>
    /// <param name="tokens">The tokens reserved.</param>
    /// <param name="at">When the reservation was counted.</param>
    /// <param name="state">The store's own bookkeeping, handed back to it on <see cref="IRateLimitStore.SettleAsync"/>.</param>
    /// <returns>The lease.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="quota"/> is <see langword="null"/>.</exception>
    public static RateLimitLease Acquired(DeploymentQuota quota, int tokens, DateTimeOffset at, object? state = null)
    {
        ArgumentNullException.ThrowIfNull(quota);
        return new(quota, tokens, at, RateLimitRefusal.None, 0, 0, null, state);
    }

    /// <summary>Creates a refusal.</summary>
    /// <param name="quota">The deployment's quota.</param>
    /// <param name="tokens">The tokens the attempt asked for.</param>
    /// <param name="at">When the refusal was made.</param>
    /// <param name="refusal">Which limit refused.</param>
    /// <param name="limit">The refused limit per minute (0 for <see cref="RateLimitRefusal.ServiceWait"/>).</param>
    /// <param name="remaining">What was left of it.</param>
    /// <param name="retryAt">When to try again.</param>
    /// <returns>The refusal.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="quota"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="refusal"/> is <see cref="RateLimitRefusal.None"/> or unknown.</exception>
    public static RateLimitLease Refused(DeploymentQuota quota, int tokens, DateTimeOffset at, RateLimitRefusal refusal, long limit, long remaining, DateTimeOffset? retryAt)
    {
        ArgumentNullException.ThrowIfNull(quota);
        if (refusal is not (RateLimitRefusal.Tokens or RateLimitRefusal.Requests or RateLimitRefusal.ServiceWait))
        {
            throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "A refusal names the limit that refused: Tokens, Requests or ServiceWait.");
        }

        return new(quota, tokens, at, refusal, limit, remaining, retryAt, null);
    }
}
