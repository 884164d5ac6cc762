using Mai.Client.Resilience;

namespace Mai.Client.Hosting;

/// <summary>The configuration shape of <see cref="MaiResilienceOptions"/>; unset values keep the defaults.</summary>
internal sealed class MaiResilienceSettings
{
    public int? MaxRetries { get; set; }

    public int? MaxAttemptsPerDeployment { get; set; }

    public TimeSpan? BaseDelay { get; set; }

    public TimeSpan? MaxDelay { get; set; }

    public TimeSpan? MaxRetryAfter { get; set; }

    public TimeSpan? TotalTimeout { get; set; }

    public TimeSpan? AttemptTimeout { get; set; }

    public TimeSpan? FirstUpdateTimeout { get; set; }

    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Gets or sets the statuses that replace the default set (not added to it).</summary>
    public List<int>? RetryableStatusCodes { get; set; }

    public double? CircuitBreakerFailureRatio { get; set; }

    public int? CircuitBreakerMinimumThroughput { get; set; }

    public TimeSpan? CircuitBreakerSamplingDuration { get; set; }

    public TimeSpan? CircuitBreakerBreakDuration { get; set; }

    public void ApplyTo(MaiResilienceOptions options)
    {
        options.MaxRetries = MaxRetries ?? options.MaxRetries;
        options.MaxAttemptsPerDeployment = MaxAttemptsPerDeployment ?? options.MaxAttemptsPerDeployment;
        options.BaseDelay = BaseDelay ?? options.BaseDelay;
        options.MaxDelay = MaxDelay ?? options.MaxDelay;
        options.MaxRetryAfter = MaxRetryAfter ?? options.MaxRetryAfter;
        options.TotalTimeout = TotalTimeout ?? options.TotalTimeout;
        options.AttemptTimeout = AttemptTimeout ?? options.AttemptTimeout;
        options.FirstUpdateTimeout = FirstUpdateTimeout ?? options.FirstUpdateTimeout;
        options.IdleTimeout = IdleTimeout ?? options.IdleTimeout;
        options.CircuitBreakerFailureRatio = CircuitBreakerFailureRatio ?? options.CircuitBreakerFailureRatio;
        options.CircuitBreakerMinimumThroughput = CircuitBreakerMinimumThroughput ?? options.CircuitBreakerMinimumThroughput;
        options.CircuitBreakerSamplingDuration = CircuitBreakerSamplingDuration ?? options.CircuitBreakerSamplingDuration;
        options.CircuitBreakerBreakDuration = CircuitBreakerBreakDuration ?? options.CircuitBreakerBreakDuration;
        if (RetryableStatusCodes is not null)
        {
            options.RetryableStatusCodes.Clear();
            options.RetryableStatusCodes.UnionWith(RetryableStatusCodes);
        }
    }
}
