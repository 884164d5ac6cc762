namespace Mai.Client.Resilience;

/// <summary>The defaults of <see cref="MaiResilienceOptions"/>, in one place.</summary>
internal static class ResilienceDefaults
{
    public const int MaxRetries = 3;
    public const int MaxAttemptsPerDeployment = 2;
    public const int MaxRetriesLimit = 100;

    /// <summary>How many times one call retries after an attempt or first-update timeout (a stall): once, so a stream that never
    /// sends a first update fails after at most 2 × <see cref="FirstUpdateTimeout"/> plus one back-off.</summary>
    public const int StallRetries = 1;

    public static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(800);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan TotalTimeout = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan FirstUpdateTimeout = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(2);

    public const double CircuitBreakerFailureRatio = 0.5;
    public const int CircuitBreakerMinimumThroughput = 10;
    public static readonly TimeSpan CircuitBreakerSamplingDuration = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan CircuitBreakerBreakDuration = TimeSpan.FromSeconds(30);

    /// <summary>The longest delay Polly accepts for back-off settings (one day).</summary>
    public static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    /// <summary>The statuses retried by default: request timeout, throttling and the transient 5xx.</summary>
    public static int[] RetryableStatusCodes() => [408, 429, 500, 502, 503, 504, 529]; // 529: Anthropic's overloaded_error

    /// <summary>Statuses that are never retried, whatever the allow-list says (permanent failures).</summary>
    public static readonly int[] NeverRetriedStatusCodes = [400, 401, 403, 404, 422];
}
