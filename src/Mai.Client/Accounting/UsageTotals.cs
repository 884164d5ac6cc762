namespace Mai.Client.Accounting;

/// <summary>Sums over a set of ledger records.</summary>
/// <param name="RecordCount">How many attempts were summed.</param>
/// <param name="Usage">The summed tokens (estimated when any record was).</param>
/// <param name="EstimatedRecordCount">How many of the records carry estimated usage.</param>
/// <param name="Cost">The summed cost of the priced records.</param>
/// <param name="UnpricedRecordCount">How many records have an unknown cost (not in <paramref name="Cost"/>); when non-zero the true cost is higher.</param>
public sealed record UsageTotals(int RecordCount, MaiUsage Usage, int EstimatedRecordCount, decimal Cost, int UnpricedRecordCount);
