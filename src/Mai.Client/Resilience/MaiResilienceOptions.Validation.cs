using System.Collections.Frozen;
using System.Globalization;

namespace Mai.Client.Resilience;

public sealed partial class MaiResilienceOptions
{
    /// <summary>Checks every setting and returns a frozen copy; the message names the property and the bad value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    /// <exception cref="ArgumentException">A setting is missing or inconsistent.</exception>
    /// <remarks>The copy runs on <see cref="TimeProvider.System"/> with no logging; the client sets the services it was given.</remarks>
    internal ValidatedResilienceOptions Validate()
    {
        if (MaxRetries is < 0 or > ResilienceDefaults.MaxRetriesLimit)
        {
            throw OutOfRange(nameof(MaxRetries), MaxRetries, $"must be between 0 and {ResilienceDefaults.MaxRetriesLimit}");
        }

        if (MaxAttemptsPerDeployment < 1)
        {
            throw OutOfRange(nameof(MaxAttemptsPerDeployment), MaxAttemptsPerDeployment, "must be at least 1");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > ResilienceDefaults.LongestDelay)
        {
            throw OutOfRange(nameof(BaseDelay), BaseDelay, "must be between 00:00:00 and 1.00:00:00");
        }

        if (MaxDelay <= TimeSpan.Zero || MaxDelay > ResilienceDefaults.LongestDelay || MaxDelay < BaseDelay)
        {
            throw OutOfRange(nameof(MaxDelay), MaxDelay, $"must be greater than zero, at most 1.00:00:00 and at least BaseDelay ({BaseDelay})");
        }

        if (MaxRetryAfter < TimeSpan.Zero || MaxRetryAfter > ResilienceDefaults.LongestDelay)
        {
            throw OutOfRange(nameof(MaxRetryAfter), MaxRetryAfter, "must be between 00:00:00 and 1.00:00:00");
        }

        CheckTimeout(nameof(TotalTimeout), TotalTimeout);
        CheckTimeout(nameof(AttemptTimeout), AttemptTimeout);
        CheckTimeout(nameof(FirstUpdateTimeout), FirstUpdateTimeout);
        CheckTimeout(nameof(IdleTimeout), IdleTimeout);

        if (RetryableStatusCodes is null)
        {
            throw new ArgumentException("MaiResilienceOptions.RetryableStatusCodes must not be null.", nameof(RetryableStatusCodes));
        }

        foreach (var status in RetryableStatusCodes)
        {
            if (status is < 100 or > 599)
            {
                throw OutOfRange(nameof(RetryableStatusCodes), status, "must contain HTTP statuses between 100 and 599");
            }

            if (Array.IndexOf(ResilienceDefaults.NeverRetriedStatusCodes, status) >= 0)
            {
                throw OutOfRange(nameof(RetryableStatusCodes), status, "must not contain 400, 401, 403, 404 or 422, which are permanent failures");
            }
        }

        if (!(CircuitBreakerFailureRatio > 0 && CircuitBreakerFailureRatio <= 1))
        {
            throw OutOfRange(nameof(CircuitBreakerFailureRatio), CircuitBreakerFailureRatio, "must be greater than 0 and at most 1");
        }

        if (CircuitBreakerMinimumThroughput < 2)
        {
            throw OutOfRange(nameof(CircuitBreakerMinimumThroughput), CircuitBreakerMinimumThroughput, "must be at least 2");
        }

        if (CircuitBreakerSamplingDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakerSamplingDuration > ResilienceDefaults.LongestDelay)
        {
            throw OutOfRange(nameof(CircuitBreakerSamplingDuration), CircuitBreakerSamplingDuration, "must be between 00:00:00.5 and 1.00:00:00");
        }

        if (CircuitBreakerBreakDuration < TimeSpan.FromMilliseconds(500) || CircuitBreakerBreakDuration > ResilienceDefaults.LongestDelay)
        {
            throw OutOfRange(nameof(CircuitBreakerBreakDuration), CircuitBreakerBreakDuration, "must be between 00:00:00.5 and 1.00:00:00");
        }

        return new ValidatedResilienceOptions(
            MaxRetries,
            MaxAttemptsPerDeployment,
            BaseDelay,
            MaxDelay,
            MaxRetryAfter,
            TotalTimeout,
            AttemptTimeout,
            FirstUpdateTimeout,
            IdleTimeout,
            RetryableStatusCodes.ToFrozenSet(),
            CircuitBreakerFailureRatio,
            CircuitBreakerMinimumThroughput,
            CircuitBreakerSamplingDuration,
            CircuitBreakerBreakDuration,
            TimeProvider.System,
            null,
            Pipeline);
    }

    private static void CheckTimeout(string property, TimeSpan value)
    {
        if (value != Timeout.InfiniteTimeSpan && (value <= TimeSpan.Zero || value > TimeSpan.FromMilliseconds(int.MaxValue)))
        {
            throw OutOfRange(property, value, "must be greater than zero and at most 24.20:31:23.647, or Timeout.InfiniteTimeSpan");
        }
    }

    private static ArgumentOutOfRangeException OutOfRange(string property, object value, string rule) =>
        new(property, string.Format(CultureInfo.InvariantCulture, "MaiResilienceOptions.{0} {1}; it was {2}.", property, rule, value));
}
