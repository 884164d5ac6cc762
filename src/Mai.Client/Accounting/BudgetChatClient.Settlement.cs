using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <content>Settling reservations to real usage, scope matching, counter keys and option validation.</content>
public sealed partial class BudgetChatClient
{
    private async ValueTask SettleAsync(BudgetReservation reservation)
    {
        if (reservation.Charges.Count == 0)
        {
            return;
        }

        var (tokens, cost) = ActualUsage(reservation);
        var adjustments = reservation.Charges
            .Select(c => new BudgetCharge(c.Key, tokens - c.Tokens, cost - c.Cost) { ExpiresAt = c.ExpiresAt })
            .ToList();
        try
        {
            // Never cancelled: a reservation that is not settled would stay charged until its window ends.
            await _store.AdjustAsync(adjustments, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSettleFailed(_logger, ex);
        }
    }

    private (long Tokens, decimal Cost) ActualUsage(BudgetReservation reservation)
    {
        var records = reservation.Context.UsageRecords;
        if (records.Count > reservation.RecordsBefore)
        {
            long tokens = 0;
            var cost = 0m;
            for (var i = reservation.RecordsBefore; i < records.Count; i++)
            {
                var record = records[i];
                tokens += record.Usage.InputTokenCount + record.Usage.OutputTokenCount;
                cost += record.Cost ?? (reservation.Price is { } p ? PriceTable.ComputeCost(record.Usage, p) ?? 0m : 0m);
            }

            return (tokens, cost);
        }

        // No metering layer below: fall back to what this layer saw.
        MaiUsage usage;
        if (reservation.ReportedUsage is { InputTokenCount: not null, OutputTokenCount: not null } reported)
        {
            usage = MaiUsage.FromUsageDetails(reported);
        }
        else if (reservation.SawOutput)
        {
            var (output, reasoning) = reservation.Output.Estimate(_estimator);
            usage = new MaiUsage(reservation.PromptTokens, output, reasoning, 0, reservation.PromptTokens + output, true);
        }
        else
        {
            return (0, 0m);
        }

        var fallbackCost = reservation.Price is { } price ? PriceTable.ComputeCost(usage, price) ?? 0m : 0m;
        return (usage.InputTokenCount + usage.OutputTokenCount, fallbackCost);
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

    internal static void Validate(BudgetOptions options)
    {
        if (options.Limits is null)
        {
            throw new ArgumentException("BudgetOptions.Limits must not be null.", nameof(options));
        }

        if (options.PriceTable is null)
        {
            throw new ArgumentException("BudgetOptions.PriceTable must not be null.", nameof(options));
        }

        if (options.TimeProvider is null)
        {
            throw new ArgumentException("BudgetOptions.TimeProvider must not be null.", nameof(options));
        }

        if (options.DefaultOutputTokenReservation < 0)
        {
            throw new ArgumentException($"BudgetOptions.DefaultOutputTokenReservation must not be negative (was {options.DefaultOutputTokenReservation}).", nameof(options));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Limits.Count; i++)
        {
            var limit = options.Limits[i] ?? throw new ArgumentException($"BudgetOptions.Limits[{i}] is null.", nameof(options));
            if (limit.MaxTokens is null && limit.MaxCost is null)
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}] sets neither MaxTokens nor MaxCost.", nameof(options));
            }

            if (limit.MaxTokens is <= 0)
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].MaxTokens must be positive (was {limit.MaxTokens}).", nameof(options));
            }

            if (limit.MaxCost is <= 0)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"BudgetOptions.Limits[{i}].MaxCost must be positive (was {limit.MaxCost})."), nameof(options));
            }

            if (!Enum.IsDefined(limit.Window))
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].Window is not a BudgetWindow value (was {(int)limit.Window}).", nameof(options));
            }

            if (limit.Name is not null && !names.Add(limit.Name))
            {
                throw new ArgumentException($"BudgetOptions.Limits[{i}].Name '{limit.Name}' is used twice.", nameof(options));
            }
        }
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Settling a budget reservation failed; the reserved amount stays charged until its window ends.")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception);
}
