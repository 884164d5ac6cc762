using Mai.Client.Errors;
using Microsoft.Extensions.Logging;
using Polly;

namespace Mai.Client.Resilience;

/// <summary>Configures <see cref="ResilientChatClient"/>: retries, waits, timeouts, circuit breakers and failover.</summary>
/// <remarks>
/// <para>
/// <b>How retries and failover combine.</b> One logical call makes at most <see cref="MaxRetries"/> + 1 attempts in
/// total, across all deployments. Attempts start on the primary (the first deployment). The call moves on to the next
/// deployment, without waiting, when the current one asks for a wait longer than <see cref="MaxRetryAfter"/> or longer
/// than the time left before <see cref="TotalTimeout"/>, when its circuit breaker is open, or when it has failed
/// <see cref="MaxAttemptsPerDeployment"/> times in this call. Otherwise it waits (the server's requested wait, or
/// exponential back-off with jitter between <see cref="BaseDelay"/> and <see cref="MaxDelay"/>) and tries the same
/// deployment again. The last deployment takes whatever attempts are left. The call never moves back to an earlier one.
/// </para>
/// <para>
/// A deployment that asked for a wait (any <c>retry-after</c> header on a retryable answer) is skipped by new attempts,
/// of this call and of others, until that wait ends, as long as a later deployment exists: a throttled region is not
/// hammered. A deployment's circuit opens when transient failures (throttling included) reach
/// <see cref="CircuitBreakerFailureRatio"/> of at least <see cref="CircuitBreakerMinimumThroughput"/> attempts within
/// <see cref="CircuitBreakerSamplingDuration"/>; while open it is skipped; after <see cref="CircuitBreakerBreakDuration"/>
/// one trial attempt is let through. Failures after a stream's first update do not count against the circuit.
/// </para>
/// <para>
/// A deployment whose own client-side quota (<see cref="MaiDeployment.TokensPerMinute"/>, <see cref="MaiDeployment.RequestsPerMinute"/>)
/// refuses an attempt was sent nothing: the call fails over to the next deployment at once, and other calls skip it until
/// the quota frees up; on the last deployment the <see cref="BudgetExceededException"/> ends the call. With
/// <see cref="MaiClientOptions.EnableResilience"/> off, nothing is retried but <see cref="TotalTimeout"/>,
/// <see cref="AttemptTimeout"/>, <see cref="FirstUpdateTimeout"/> and <see cref="IdleTimeout"/> still bound every call.
/// </para>
/// <para>The options are validated and copied when the client is built: later changes to this instance have no effect on it.</para>
/// </remarks>
public sealed partial class MaiResilienceOptions
{
    /// <summary>Gets or sets how many times a failed call is retried (attempts after the first, across all deployments).</summary>
    /// <value>The default is 3, so at most 4 attempts. 0 disables retries. At most 100.</value>
    public int MaxRetries { get; set; } = ResilienceDefaults.MaxRetries;

    /// <summary>Gets or sets how many attempts one deployment gets in one call before the call fails over to the next deployment.</summary>
    /// <value>The default is 2. Ignored on the last deployment, which uses whatever attempts are left.</value>
    public int MaxAttemptsPerDeployment { get; set; } = ResilienceDefaults.MaxAttemptsPerDeployment;

    /// <summary>Gets or sets the median delay before the first retry when the service does not say how long to wait; it doubles per retry, with jitter.</summary>
    /// <value>The default is 800 milliseconds (the Azure.Core default).</value>
    public TimeSpan BaseDelay { get; set; } = ResilienceDefaults.BaseDelay;

    /// <summary>Gets or sets the cap on the back-off delay computed by the client; a wait requested by the service is capped by <see cref="MaxRetryAfter"/> instead.</summary>
    /// <value>The default is 30 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = ResilienceDefaults.MaxDelay;

    /// <summary>
    /// Gets or sets the longest wait the client honours when the service asks for one (<c>retry-after-ms</c>,
    /// <c>x-ms-retry-after-ms</c>, <c>Retry-After</c>). A longer request is not slept: the call fails over, or fails at
    /// once with <see cref="RetryAfterTooLongException"/>.
    /// </summary>
    /// <value>The default is 60 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = ResilienceDefaults.MaxRetryAfter;

    /// <summary>Gets or sets one deadline for the whole logical call: every attempt, wait and failover, and for a stream its whole enumeration.</summary>
    /// <value>The default is 10 minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan TotalTimeout { get; set; } = ResilienceDefaults.TotalTimeout;

    /// <summary>Gets or sets the limit on one non-streaming attempt; an attempt that runs out of time is retried once per call (a second stall ends the call).</summary>
    /// <value>The default is 5 minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan AttemptTimeout { get; set; } = ResilienceDefaults.AttemptTimeout;

    /// <summary>
    /// Gets or sets how long a stream may take to produce its first update; running out of time is retried once per call
    /// (on the next deployment when there is one), so a stream that never sends a first update fails after at most twice
    /// this plus one back-off, and never after <see cref="TotalTimeout"/>.
    /// </summary>
    /// <value>The default is 2 minutes (so about 4 minutes for a silent stream). <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan FirstUpdateTimeout { get; set; } = ResilienceDefaults.FirstUpdateTimeout;

    /// <summary>Gets or sets the longest gap allowed between two updates of a stream; a longer gap ends the stream with <see cref="StreamInterruptedException"/>.</summary>
    /// <value>The default is 2 minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan IdleTimeout { get; set; } = ResilienceDefaults.IdleTimeout;

    /// <summary>Gets the HTTP statuses that are retried. 400, 401, 403, 404 and 422 are permanent and may not be added.</summary>
    /// <value>The default is 408, 429, 500, 502, 503, 504 and 529 (Anthropic's <c>overloaded_error</c>). A response carrying <c>x-should-retry</c>
    /// (the Messages API) overrides the list: <c>false</c> is never retried, <c>true</c> is retried unless the status is a permanent one.</value>
    public ISet<int> RetryableStatusCodes { get; private set; } = new HashSet<int>(ResilienceDefaults.RetryableStatusCodes());

    /// <summary>Gets or sets the ratio of transient failures within <see cref="CircuitBreakerSamplingDuration"/> that opens a deployment's circuit.</summary>
    /// <value>The default is 0.5. Must be greater than 0 and at most 1.</value>
    public double CircuitBreakerFailureRatio { get; set; } = ResilienceDefaults.CircuitBreakerFailureRatio;

    /// <summary>Gets or sets how many attempts a deployment must see within <see cref="CircuitBreakerSamplingDuration"/> before its circuit may open.</summary>
    /// <value>The default is 10. Must be at least 2.</value>
    public int CircuitBreakerMinimumThroughput { get; set; } = ResilienceDefaults.CircuitBreakerMinimumThroughput;

    /// <summary>Gets or sets the window over which a deployment's failure ratio is measured.</summary>
    /// <value>The default is 60 seconds. Must be at least 0.5 seconds.</value>
    public TimeSpan CircuitBreakerSamplingDuration { get; set; } = ResilienceDefaults.CircuitBreakerSamplingDuration;

    /// <summary>Gets or sets how long an opened circuit stays open before one trial attempt is let through (half-open).</summary>
    /// <value>The default is 30 seconds. Must be at least 0.5 seconds.</value>
    public TimeSpan CircuitBreakerBreakDuration { get; set; } = ResilienceDefaults.CircuitBreakerBreakDuration;

    /// <summary>
    /// Gets or sets a pipeline that replaces the built-in retry strategy: it decides which failures are retried and how
    /// long to wait. Each execution of its callback is one attempt.
    /// </summary>
    /// <value>The default is <see langword="null"/>: the built-in retry described on <see cref="MaiResilienceOptions"/>.</value>
    /// <remarks>
    /// With a custom pipeline, these built-in guarantees still apply: <see cref="TotalTimeout"/>,
    /// <see cref="AttemptTimeout"/>, <see cref="FirstUpdateTimeout"/> and <see cref="IdleTimeout"/>; the per-deployment
    /// circuit breakers; the choice of deployment for each attempt (failover as described above, without a limit on total
    /// attempts, which the pipeline owns); a server wait over <see cref="MaxRetryAfter"/> or past the deadline on the
    /// last deployment throws <see cref="RetryAfterTooLongException"/>; a stream is never retried after its first update
    /// (the failure surfaces as <see cref="StreamInterruptedException"/>); attempts are recorded and logged.
    /// <see cref="MaxRetries"/>, <see cref="BaseDelay"/>, <see cref="MaxDelay"/> and the classification of transient
    /// failures for retrying are the pipeline's business: make it retry only what it should (never a 400 or cancellation).
    /// The pipeline must run attempts one after another: hedging or other parallel strategies are not supported.
    /// </remarks>
    public ResiliencePipeline? Pipeline { get; set; }

    /// <summary>Returns a copy whose later edits do not reach this instance (and the reverse).</summary>
    internal MaiResilienceOptions Clone()
    {
        var copy = (MaiResilienceOptions)MemberwiseClone();
        copy.RetryableStatusCodes = new HashSet<int>(RetryableStatusCodes);
        return copy;
    }
}
