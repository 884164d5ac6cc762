namespace Mai.Emulator;

/// <summary>
/// The per-deployment tokens-per-minute quota of <see cref="EmulatedModel.TokensPerMinute"/>: a sliding minute of six 10-second
/// segments aligned to the Unix epoch, on the emulator's clock. A request is refused when its worst case (prompt plus
/// <c>max_tokens</c>, else its planned completion) does not fit what is left; an answered one counts its prompt plus completion.
/// </summary>
internal sealed class TokenQuota
{
    private const int Segments = 6;
    private static readonly long SegmentTicks = TimeSpan.FromSeconds(10).Ticks;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, long[]> _counts = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _segments = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Counts <paramref name="served"/> tokens if <paramref name="needed"/> fit; else returns the wait until they would.</summary>
    /// <returns>Whether the request is admitted, what remains of the quota afterwards (or now, when refused), and the wait when refused.</returns>
    public (bool Admitted, long Remaining, TimeSpan Wait) TryTake(string deployment, int limit, long needed, long served, DateTimeOffset now)
    {
        lock (_gate)
        {
            var segment = Math.DivRem(now.UtcTicks, SegmentTicks, out _);
            var counts = Slide(deployment, segment);
            var used = counts.Sum();
            if (needed > limit - used)
            {
                // The wait until enough of the oldest segments have left the window (never, for a request larger than the quota: a minute).
                var freed = 0L;
                var wait = TimeSpan.FromMinutes(1);
                for (var age = Segments - 1; age >= 0; age--)
                {
                    freed += counts[Slot(segment - age)];
                    if (needed <= limit - used + freed)
                    {
                        wait = new DateTimeOffset((segment - age + Segments) * SegmentTicks, TimeSpan.Zero) - now;
                        break;
                    }
                }

                return (false, Math.Max(0, limit - used), wait);
            }

            counts[Slot(segment)] += served;
            return (true, Math.Max(0, limit - used - served), TimeSpan.Zero);
        }
    }

    private static int Slot(long segment) => (int)(segment % Segments);

    private long[] Slide(string deployment, long segment)
    {
        if (!_counts.TryGetValue(deployment, out var counts))
        {
            _counts[deployment] = counts = new long[Segments];
            _segments[deployment] = segment;
            return counts;
        }

        var last = _segments[deployment];
        for (var s = last + 1; s <= segment && s <= last + Segments; s++)
        {
            counts[Slot(s)] = 0;
        }

        _segments[deployment] = Math.Max(last, segment);
        return counts;
    }
}
