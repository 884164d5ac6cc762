namespace Mai.Client.Redis;

/// <summary>Settings of a <see cref="RedisRateLimitStore"/>; copied when the store is built, so later edits change nothing. The
/// clock and the logger factory are services: they go to the store's constructor.</summary>
public sealed class RedisRateLimitStoreOptions
{
    /// <summary>Gets or sets the text prepended to every key (to separate applications or environments sharing a Redis).</summary>
    /// <value>The default is <see langword="null"/>: keys start with <c>mai:rate:</c>.</value>
    public string? KeyPrefix { get; set; }

    /// <summary>Gets or sets how long one admission or settlement may wait for Redis before the store falls back to its local limiter.</summary>
    /// <value>The default is 250 milliseconds.</value>
    public TimeSpan Timeout { get; set; } = RedisRateLimitDefaults.Timeout;

    /// <summary>Gets or sets how long, after Redis failed or was too slow, the store admits locally before it asks Redis again.</summary>
    /// <value>The default is 5 seconds.</value>
    public TimeSpan RetryInterval { get; set; } = RedisRateLimitDefaults.RetryInterval;
}
