namespace Mai.Client.Redis;

/// <summary>The defaults of <see cref="RedisRateLimitStoreOptions"/>.</summary>
internal static class RedisRateLimitDefaults
{
    /// <summary>Redis answers in about a millisecond on a local network; a quarter second means it is down or overloaded.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(250);

    /// <summary>How long an outage is assumed to last before Redis is asked again.</summary>
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    /// <summary>The prefix of every key, after <see cref="RedisRateLimitStoreOptions.KeyPrefix"/>.</summary>
    public const string KeyRoot = "mai:rate:";
}
