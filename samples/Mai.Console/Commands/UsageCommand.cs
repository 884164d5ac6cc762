using System.Globalization;
using Mai.Console.Infrastructure;
using Mai.Console.Usage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai usage</c>: tokens and cost of every recorded call, grouped, and the current month's spend projected at the present rate.</summary>
internal sealed class UsageCommand(CliEnvironment environment) : Command<UsageSettings>
{
    public override int Execute(CommandContext context, UsageSettings settings, CancellationToken cancellationToken)
    {
        try
        {
            var factory = new ClientFactory(environment, "usage");
            var path = factory.UsageDatabasePath(settings.Database);
            if (path is null)
            {
                environment.Error.WriteLine($"mai: no usage database: pass --db PATH or set {ClientFactory.UsageDatabaseVariable}.");
                return 2;
            }

            var time = environment.TimeProvider;
            var since = settings.Since is null ? (DateTimeOffset?)null : UsageSettings.ParseSince(settings.Since, time);
            // The month projection needs this month's calls even when --since starts later.
            var monthStart = UsageSummary.MonthStart(time);
            DateTimeOffset? readFrom = since is { } from && from > monthStart ? monthStart : since;
            var raw = UsageStore.Read(path, readFrom);
            var all = raw.Where(c => settings.IncludeEmulated || !c.Emulated).ToList();
            var selected = all.Where(c => since is null || c.Timestamp >= since).ToList();
            var hiddenEmulated = settings.IncludeEmulated ? 0 : raw.Count(c => c.Emulated && (since is null || c.Timestamp >= since));

            var month = UsageSummary.ProjectMonth(all, time);
            if (settings.Json)
            {
                UsageJson.Write(environment.Output, settings, since, UsageSummary.Group(selected, settings.Grouping, time.LocalTimeZone), UsageSummary.Sum("total", selected), month, hiddenEmulated);
            }
            else
            {
                Write(CliConsole.ForOutput(environment), path, settings, since, selected, month, hiddenEmulated);
            }

            return 0;
        }
        catch (Exception ex)
        {
            environment.Error.WriteLine(ErrorReporter.Describe(ex));
            return ErrorReporter.ExitCode(ex);
        }
    }

    internal static string FormatCost(IReadOnlyDictionary<string, decimal> byCurrency, int unpriced)
    {
        var parts = byCurrency.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Money(kv.Value, kv.Key)).ToList();
        if (unpriced > 0)
        {
            parts.Add(parts.Count == 0 ? "unknown" : $"+ unknown for {unpriced} call{(unpriced == 1 ? string.Empty : "s")}");
        }

        return parts.Count == 0 ? Money(0, DefaultCurrency) : string.Join(' ', parts);
    }

    /// <summary>The currency of an amount with no priced call behind it: the shipped price table's.</summary>
    internal const string DefaultCurrency = "USD";

    internal static string Money(decimal amount, string currency) => amount.ToString("0.00####", CultureInfo.InvariantCulture) + " " + currency;

    private void Write(IAnsiConsole console, string path, UsageSettings settings, DateTimeOffset? since, List<StoredCall> calls, MonthProjection month, int hiddenEmulated)
    {
        var zone = environment.TimeProvider.LocalTimeZone;
        var range = since is { } s ? $"since {TimeZoneInfo.ConvertTime(s, zone):yyyy-MM-dd HH:mm}" : "all time";
        console.WriteLine($"Usage {range}, by {settings.Grouping.ToString().ToLowerInvariant()} ({calls.Count} recorded call{(calls.Count == 1 ? string.Empty : "s")}; {path})");
        if (calls.Count > 0)
        {
            var table = new Table().Border(TableBorder.Rounded);
            table.AddColumn(settings.Grouping.ToString().ToLowerInvariant());
            foreach (var column in (string[])["calls", "input", "output", "reasoning", "cached", "total"])
            {
                table.AddColumn(new TableColumn(column).RightAligned());
            }

            table.AddColumn("cost");

            var rows = UsageSummary.Group(calls, settings.Grouping, zone);
            foreach (var row in rows.Append(UsageSummary.Sum("total", calls)))
            {
                table.AddRow(
                    Markup.Escape(row.Key),
                    Count(row.Calls),
                    Count(row.InputTokens),
                    Count(row.OutputTokens),
                    Count(row.ReasoningTokens),
                    Count(row.CachedInputTokens),
                    Count(row.TotalTokens) + (row.EstimatedCalls > 0 ? "*" : string.Empty),
                    Markup.Escape(FormatCost(row.CostByCurrency, row.UnpricedCalls)));
            }

            console.Write(table);
            if (calls.Any(c => c.Estimated))
            {
                console.WriteLine("* includes usage estimated by the client where the service reported none.");
            }
        }

        console.WriteLine(FormatProjection(month));
        if (hiddenEmulated > 0)
        {
            console.WriteLine($"{hiddenEmulated} call{(hiddenEmulated == 1 ? string.Empty : "s")} served by the embedded emulator not shown (--emulated to include).");
        }
    }

    internal static string FormatProjection(MonthProjection month)
    {
        var days = (month.Now - month.MonthStart).TotalDays;
        var length = (month.MonthEnd - month.MonthStart).TotalDays;
        var label = month.MonthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var lastDay = month.MonthEnd.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var elapsed = string.Create(CultureInfo.InvariantCulture, $"{days:0.0} of {length:0} days");
        if (month.Calls == 0)
        {
            return $"This month ({label}): no calls yet ({elapsed}); projected spend {Money(0, DefaultCurrency)}.";
        }

        var unknown = month.UnpricedCalls > 0 ? $" ({month.UnpricedCalls} call{(month.UnpricedCalls == 1 ? string.Empty : "s")} with unknown cost not included)" : string.Empty;
        return $"This month ({label}): {FormatCost(month.SpentByCurrency, 0)} over {elapsed}; at this rate {FormatCost(Round(month.ProjectedByCurrency), 0)} by {lastDay}{unknown}.";
    }

    private static Dictionary<string, decimal> Round(IReadOnlyDictionary<string, decimal> values) =>
        values.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 6, MidpointRounding.AwayFromZero), StringComparer.OrdinalIgnoreCase);

    private static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
