namespace Mai.Client.Redis;

/// <summary>The Lua scripts that admit and settle attempts against a deployment's TPM/RPM counts in one Redis hash, atomically.</summary>
/// <remarks>
/// <para>One hash per deployment. The window is a sliding minute of six 10-second segments aligned to the Unix epoch (the same
/// window <c>InMemoryRateLimitStore</c> keeps in process): field <c>t{n}</c> holds the tokens and <c>r{n}</c> the requests counted in
/// segment <c>n</c> (milliseconds since the epoch / 10,000), and <c>b</c> the Unix millisecond before which no attempt is admitted
/// (a 429's wait). The current time comes from the caller's clock, so every instance must keep its clock in step (NTP); the Redis
/// server's clock is not used.</para>
/// <para>Counts are integers well below 2^53, so Lua's numbers hold them exactly; increments go through <c>HINCRBY</c>.</para>
/// </remarks>
internal static class RedisRateLimitScript
{
    /// <summary>The segment length, in milliseconds.</summary>
    public const long SegmentMilliseconds = 10_000;

    /// <summary>The segments in the window.</summary>
    public const int Segments = 6;

    // Shared by both scripts: the window's sums, the sweep of fields that left it, and the key's expiry.
    private const string Common = """
        local key = KEYS[1]
        local now = tonumber(ARGV[1])
        local seg = math.floor(now / 10000)
        local function window()
          local names = {}
          for i = 0, 5 do
            names[#names + 1] = 't' .. (seg - i)
            names[#names + 1] = 'r' .. (seg - i)
          end
          local v = redis.call('HMGET', key, unpack(names))
          local t, r = 0, 0
          for i = 1, #v, 2 do
            t = t + tonumber(v[i] or '0')
            r = r + tonumber(v[i + 1] or '0')
          end
          return t, r
        end
        local function tidy()
          local old = {}
          for i = 6, 13 do
            old[#old + 1] = 't' .. (seg - i)
            old[#old + 1] = 'r' .. (seg - i)
          end
          redis.call('HDEL', key, unpack(old))
          local ttl = 70000
          local b = tonumber(redis.call('HGET', key, 'b') or '0')
          if b - now + 1000 > ttl then ttl = b - now + 1000 end
          redis.call('PEXPIRE', key, ttl)
        end
        """;

    /// <summary>
    /// ARGV: now (Unix ms), tokens-per-minute ('' for none), requests-per-minute ('' for none), tokens. Returns <c>{0}</c> when one
    /// request and the tokens were counted in the current segment; else <c>{kind, limit, remaining, retryAtMs}</c> and nothing was
    /// counted: kind 1 tokens, 2 requests, 3 the service's wait (<c>b</c>) has not ended.
    /// </summary>
    public const string Acquire = Common + "\n" + """
        local tpm = tonumber(ARGV[2])
        local rpm = tonumber(ARGV[3])
        local tokens = tonumber(ARGV[4])
        local blocked = tonumber(redis.call('HGET', key, 'b') or '0')
        if blocked > now then return {3, 0, 0, blocked} end
        local t, r = window()
        local nextSlide = (seg + 1) * 10000
        if rpm and r >= rpm then return {2, rpm, math.max(0, rpm - r), nextSlide} end
        if tpm and tokens > tpm - t then return {1, tpm, math.max(0, tpm - t), nextSlide} end
        redis.call('HINCRBY', key, 't' .. seg, ARGV[4])
        redis.call('HINCRBY', key, 'r' .. seg, 1)
        tidy()
        return {0}
        """;

    /// <summary>
    /// ARGV: now (Unix ms), tokens-per-minute, requests-per-minute, the lease's segment, the token delta (used minus reserved), remaining
    /// tokens, remaining requests, blocked-until (Unix ms); '' for each one absent. Moves the lease's segment by the delta while it is
    /// in the window, lowers the window's room to the remaining values (never raises it), and pushes <c>b</c> later (never earlier).
    /// </summary>
    public const string Settle = Common + "\n" + """
        local tpm = tonumber(ARGV[2])
        local rpm = tonumber(ARGV[3])
        local leaseSeg = tonumber(ARGV[4])
        if leaseSeg and ARGV[5] ~= '' and leaseSeg > seg - 6 and leaseSeg <= seg and redis.call('HEXISTS', key, 't' .. leaseSeg) == 1 then
          redis.call('HINCRBY', key, 't' .. leaseSeg, ARGV[5])
        end
        local remT = tonumber(ARGV[6])
        local remR = tonumber(ARGV[7])
        if (tpm and remT) or (rpm and remR) then
          local t, r = window()
          if tpm and remT then
            local excess = tpm - t - math.max(remT, 0)
            if excess > 0 then redis.call('HINCRBY', key, 't' .. seg, string.format('%d', excess)) end
          end
          if rpm and remR then
            local excess = rpm - r - math.max(remR, 0)
            if excess > 0 then redis.call('HINCRBY', key, 'r' .. seg, string.format('%d', excess)) end
          end
        end
        local blockUntil = tonumber(ARGV[8])
        if blockUntil and blockUntil > tonumber(redis.call('HGET', key, 'b') or '0') then
          redis.call('HSET', key, 'b', ARGV[8])
        end
        tidy()
        return 0
        """;
}
