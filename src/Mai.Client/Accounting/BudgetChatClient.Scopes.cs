using System.Globalization;

namespace Mai.Client.Accounting;

/// <content>Which limits apply to a scope, and the store key and window of each (limit, scope, window) counter.</content>
public sealed partial class BudgetChatClient
{
    /// <summary>The indexes of the limits whose selectors match <paramref name="scope"/>.</summary>
    private List<int> Matching(MaiScope scope)
    {
        var matched = new List<int>(_limits.Length);
        for (var i = 0; i < _limits.Length; i++)
        {
            if (Matches(_limits[i], scope))
            {
                matched.Add(i);
            }
        }

        return matched;
    }

    private static bool Matches(BudgetLimit limit, MaiScope scope) =>
        Matches(limit.User, scope.User) && Matches(limit.Tenant, scope.Tenant) && Matches(limit.Tag, scope.Tag);

    private static bool Matches(string? selector, string? value) => selector switch
    {
        null => true,
        BudgetLimit.EachValue => value is not null,
        _ => string.Equals(selector, value, StringComparison.Ordinal),
    };

    private static (string Key, DateTimeOffset? ExpiresAt) Key(int index, BudgetLimit limit, MaiScope scope, DateTimeOffset now)
    {
        var start = WindowStart(limit.Window, now);
        var name = limit.Name ?? index.ToString(CultureInfo.InvariantCulture);
        var key = string.Create(
            CultureInfo.InvariantCulture,
            $"mai:budget:{name}:u={Part(limit.User, scope.User)}:t={Part(limit.Tenant, scope.Tenant)}:g={Part(limit.Tag, scope.Tag)}:{limit.Window}:{start:yyyyMMddHHmm}");
        return (key, WindowEnd(limit.Window, now));
    }

    private static string Part(string? selector, string? value) => selector is null ? "*all" : value ?? string.Empty;

    private static DateTimeOffset? WindowStart(BudgetWindow window, DateTimeOffset now)
    {
        var utc = now.ToUniversalTime();
        return window switch
        {
            BudgetWindow.Minute => new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, TimeSpan.Zero),
            BudgetWindow.Day => new DateTimeOffset(utc.Year, utc.Month, utc.Day, 0, 0, 0, TimeSpan.Zero),
            BudgetWindow.Month => new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero),
            _ => null,
        };
    }

    private static DateTimeOffset? WindowEnd(BudgetWindow window, DateTimeOffset now) => window switch
    {
        BudgetWindow.Minute => WindowStart(window, now)!.Value.AddMinutes(1),
        BudgetWindow.Day => WindowStart(window, now)!.Value.AddDays(1),
        BudgetWindow.Month => WindowStart(window, now)!.Value.AddMonths(1),
        _ => null,
    };
}
