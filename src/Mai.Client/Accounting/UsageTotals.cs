using System.Diagnostics.CodeAnalysis;

namespace Mai.Client.Accounting;

/// <summary>Sums over a set of ledger records.</summary>
/// <remarks>A record with init properties, not a positional one, so that it can grow without breaking callers.</remarks>
public sealed record UsageTotals
{
    /// <summary>Initializes a new instance; set the properties with an object initializer.</summary>
    public UsageTotals()
    {
    }

    [SetsRequiredMembers]
    internal UsageTotals(int recordCount, MaiUsage usage, int estimatedRecordCount, decimal cost, int unpricedRecordCount)
    {
        RecordCount = recordCount;
        Usage = usage;
        EstimatedRecordCount = estimatedRecordCount;
        Cost = cost;
        UnpricedRecordCount = unpricedRecordCount;
    }

    /// <summary>Gets how many attempts were summed.</summary>
    public int RecordCount { get; init; }

    /// <summary>Gets the summed tokens (estimated when any record was).</summary>
    public required MaiUsage Usage { get; init; }

    /// <summary>Gets how many of the records carry estimated usage.</summary>
    public int EstimatedRecordCount { get; init; }

    /// <summary>Gets the summed cost of the priced records.</summary>
    public decimal Cost { get; init; }

    /// <summary>Gets how many records have an unknown cost (not in <see cref="Cost"/>); when non-zero the true cost is higher.</summary>
    public int UnpricedRecordCount { get; init; }
}
