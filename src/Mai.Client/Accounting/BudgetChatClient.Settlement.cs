using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <content>Settlement: the reservation is adjusted to the real usage of all the call's attempts.</content>
public sealed partial class BudgetChatClient
{
    private async ValueTask SettleAsync(BudgetReservation reservation)
    {
        if (reservation.Charges.Count == 0)
        {
            return;
        }

        var (tokens, cost) = ActualUsage(reservation);
        var charges = reservation.Charges;
        var adjustments = new BudgetCharge[charges.Count];
        for (var i = 0; i < adjustments.Length; i++)
        {
            var c = charges[i];
            adjustments[i] = new BudgetCharge(c.Key, tokens - c.Tokens, cost - c.Cost) { ExpiresAt = c.ExpiresAt };
        }

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
                var spent = record.Usage;
                var recordCost = record.Cost;
                if (record.Source == UsageSource.Unknown && spent.OutputTokenCount < reservation.MaxOutputTokens)
                {
                    // The service generated output the client never saw: charge the worst case it may have billed.
                    spent = spent with { OutputTokenCount = reservation.MaxOutputTokens, TotalTokenCount = spent.InputTokenCount + reservation.MaxOutputTokens };
                    recordCost = null;
                }

                tokens += Math.Max(0, spent.InputTokenCount) + Math.Max(0, spent.OutputTokenCount);
                cost += recordCost ?? (reservation.Price is { } p ? PriceTable.ComputeCost(spent, p) ?? 0m : 0m);
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
            var (output, reasoning) = reservation.Output.Estimate(_estimator ?? TokenEstimator.ForModel(_modelId));
            usage = new MaiUsage(reservation.PromptTokens, output, reasoning, 0, reservation.PromptTokens + output, true);
        }
        else
        {
            return (0, 0m);
        }

        var fallbackCost = reservation.Price is { } price ? PriceTable.ComputeCost(usage, price) ?? 0m : 0m;
        return (usage.InputTokenCount + usage.OutputTokenCount, fallbackCost);
    }

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Settling a budget reservation failed; the reserved amount stays charged until its window ends.")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception);
}
