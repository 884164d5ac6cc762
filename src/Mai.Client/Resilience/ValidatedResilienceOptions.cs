using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Polly;

namespace Mai.Client.Resilience;

/// <summary>The validated, immutable copy of <see cref="MaiResilienceOptions"/> a client runs with.</summary>
internal sealed record ValidatedResilienceOptions(
    int MaxRetries,
    int MaxAttemptsPerDeployment,
    TimeSpan BaseDelay,
    TimeSpan MaxDelay,
    TimeSpan MaxRetryAfter,
    TimeSpan TotalTimeout,
    TimeSpan AttemptTimeout,
    TimeSpan FirstUpdateTimeout,
    TimeSpan IdleTimeout,
    FrozenSet<int> RetryableStatusCodes,
    double CircuitBreakerFailureRatio,
    int CircuitBreakerMinimumThroughput,
    TimeSpan CircuitBreakerSamplingDuration,
    TimeSpan CircuitBreakerBreakDuration,
    TimeProvider TimeProvider,
    ILoggerFactory? LoggerFactory,
    ResiliencePipeline? Pipeline)
{
    /// <summary>Gets the most attempts the built-in retry makes for one call.</summary>
    public int MaxAttempts => MaxRetries + 1;
}
