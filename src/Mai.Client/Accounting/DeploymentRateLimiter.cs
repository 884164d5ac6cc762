namespace Mai.Client.Accounting;

/// <summary>
/// Client-side TPM/RPM counts for one deployment over a sliding minute: six 10-second segments aligned to the Unix epoch
/// (the same window <c>RedisRateLimitStore</c> keeps in Redis), read from a <see cref="TimeProvider"/> so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// A reservation is counted in the segment it was taken in and leaves the window six segments later; settling moves that
/// segment's count to the reported usage. No timer and no allocation per attempt: a ring of six counters under one lock.
/// </remarks>
internal sealed class DeploymentRateLimiter
{
    private const int Segments = AccountingDefaults.QuotaSegments;
    private static readonly long SegmentTicks = (AccountingDefaults.QuotaWindow / Segments).Ticks;

    private readonly Lock _gate = new();
    private readonly DeploymentQuota _quota;
    private readonly TimeProvider _timeProvider;
    private readonly long[] _tokens = new long[Segments];
    private readonly long[] _requests = new long[Segments];
    private long _segment = long.MinValue;

    public DeploymentRateLimiter(DeploymentQuota quota, TimeProvider timeProvider)
    {
        _quota = quota;
        _timeProvider = timeProvider;
    }

    /// <summary>Takes one request and <paramref name="tokens"/> tokens, or refuses without taking anything.</summary>
    public RateLimitLease TryAcquire(int tokens)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var segment = Slide(now);
            if (_quota.RequestsPerMinute is { } rpm && Sum(_requests) >= rpm)
            {
                return RateLimitLease.Refused(_quota, tokens, now, RateLimitRefusal.Requests, rpm, Math.Max(0, rpm - Sum(_requests)), NextSlide(segment));
            }

            if (_quota.TokensPerMinute is { } tpm)
            {
                var left = tpm - Sum(_tokens);
                if (tokens > left)
                {
                    return RateLimitLease.Refused(_quota, tokens, now, RateLimitRefusal.Tokens, tpm, Math.Max(0, left), NextSlide(segment));
                }
            }

            var slot = Slot(segment);
            _requests[slot]++;
            _tokens[slot] += Math.Max(0, tokens);
            return RateLimitLease.Acquired(_quota, tokens, now);
        }
    }

    /// <summary>Moves a lease's reservation to the reported usage (while its segment is still in the window), then lowers the counts
    /// to what the service says remains (never raises them).</summary>
    public void Settle(RateLimitLease lease, RateLimitSettlement settlement)
    {
        if (settlement.UsedTokens is null && settlement.RemainingTokens is null && settlement.RemainingRequests is null)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            var segment = Slide(now);
            var leaseSegment = SegmentOf(lease.At);
            if (settlement.UsedTokens is { } used && leaseSegment > segment - Segments && leaseSegment <= segment)
            {
                _tokens[Slot(leaseSegment)] += Math.Max(0, used) - Math.Max(0, lease.Tokens);
            }

            Lower(_tokens, _quota.TokensPerMinute, settlement.RemainingTokens, segment);
            Lower(_requests, _quota.RequestsPerMinute, settlement.RemainingRequests, segment);
        }
    }

    private static void Lower(long[] counts, int? limit, long? remaining, long segment)
    {
        if (limit is not { } max || remaining is not { } left)
        {
            return;
        }

        var excess = max - Sum(counts) - Math.Max(left, 0);
        if (excess > 0)
        {
            counts[Slot(segment)] += excess;
        }
    }

    private static long Sum(long[] counts)
    {
        long sum = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            sum += counts[i];
        }

        return sum;
    }

    private static long SegmentOf(DateTimeOffset at) => Math.DivRem(at.UtcTicks, SegmentTicks, out var rem) - (rem < 0 ? 1 : 0);

    private static int Slot(long segment) => (int)(((segment % Segments) + Segments) % Segments);

    private static DateTimeOffset NextSlide(long segment) => new((segment + 1) * SegmentTicks, TimeSpan.Zero);

    /// <summary>Clears the segments that left the window since the last call and returns the current segment.</summary>
    private long Slide(DateTimeOffset now)
    {
        var segment = SegmentOf(now);
        if (segment > _segment)
        {
            var stale = _segment == long.MinValue ? Segments : (int)Math.Min(segment - _segment, Segments);
            for (var i = 0; i < stale; i++)
            {
                var slot = Slot(segment - i);
                _tokens[slot] = 0;
                _requests[slot] = 0;
            }

            _segment = segment;
        }

        return _segment;
    }
}
