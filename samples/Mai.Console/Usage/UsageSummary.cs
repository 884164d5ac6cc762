namespace Mai.Console.Usage;

/// <summary>Groups recorded calls by model, day or month and projects the current month's spend; days and months follow the clock's local time zone.</summary>
internal static class UsageSummary
{
    public static IReadOnlyList<UsageRow> Group(IEnumerable<StoredCall> calls, UsageGrouping by, TimeZoneInfo zone)
    {
        Func<StoredCall, string> key = by switch
        {
            UsageGrouping.Day => c => TimeZoneInfo.ConvertTime(c.Timestamp, zone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            UsageGrouping.Month => c => TimeZoneInfo.ConvertTime(c.Timestamp, zone).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
            _ => c => c.Model + (c.Emulated ? " (emulated)" : string.Empty),
        };
        var rows = calls.GroupBy(key, StringComparer.OrdinalIgnoreCase).Select(g => Sum(g.Key, [.. g]));
        return by == UsageGrouping.Model ? [.. rows.OrderByDescending(r => r.TotalTokens).ThenBy(r => r.Key, StringComparer.Ordinal)] : [.. rows.OrderBy(r => r.Key, StringComparer.Ordinal)];
    }

    public static UsageRow Sum(string key, IReadOnlyList<StoredCall> calls)
    {
        var cost = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        foreach (var call in calls.Where(c => c.Cost is not null))
        {
            cost[call.Currency] = cost.GetValueOrDefault(call.Currency) + call.Cost!.Value;
        }

        return new UsageRow(
            key,
            calls.Count,
            calls.Sum(c => c.InputTokens),
            calls.Sum(c => c.OutputTokens),
            calls.Sum(c => c.ReasoningTokens),
            calls.Sum(c => c.CachedInputTokens),
            calls.Sum(c => c.TotalTokens),
            calls.Count(c => c.Estimated),
            cost,
            calls.Count(c => c.Cost is null));
    }

    /// <summary>The start of the current month in the clock's local time zone.</summary>
    public static DateTimeOffset MonthStart(TimeProvider time)
    {
        var now = time.GetLocalNow();
        var start = new DateTime(now.Year, now.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(start, time.LocalTimeZone.GetUtcOffset(start));
    }

    public static MonthProjection ProjectMonth(IEnumerable<StoredCall> calls, TimeProvider time)
    {
        var now = time.GetLocalNow();
        var start = MonthStart(time);
        var nextMonth = start.DateTime.AddMonths(1);
        var end = new DateTimeOffset(nextMonth, time.LocalTimeZone.GetUtcOffset(nextMonth));
        var month = calls.Where(c => c.Timestamp >= start && c.Timestamp <= now).ToList();
        var spent = Sum("month", month).CostByCurrency;
        var elapsed = (decimal)(now - start).Ticks;
        var length = (decimal)(end - start).Ticks;
        var projected = spent.ToDictionary(
            kv => kv.Key,
            kv => elapsed <= 0 ? kv.Value : kv.Value * length / elapsed,
            StringComparer.OrdinalIgnoreCase);
        return new MonthProjection(start, end, now, month.Count, spent, projected, month.Count(c => c.Cost is null));
    }
}
