namespace Mai.Client.Accounting;

/// <summary>Receives every <see cref="UsageRecord"/> the ledger records (a database, a queue, a billing system).</summary>
/// <remarks>An exception thrown by a sink is logged by the ledger and never reaches the call that produced the record.
/// Implementations must be thread-safe: records arrive from concurrent calls.</remarks>
public interface IUsageSink
{
    /// <summary>Writes one record.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task that completes when the record is written.</returns>
    ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default);
}
