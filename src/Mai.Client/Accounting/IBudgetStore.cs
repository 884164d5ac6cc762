namespace Mai.Client.Accounting;

/// <summary>
/// Holds budget counters. <see cref="TryReserveAsync"/> must be atomic across all its charges (all or nothing), so concurrent
/// callers (threads, or processes sharing a Redis store) can never overspend a limit.
/// </summary>
public interface IBudgetStore
{
    /// <summary>Adds every charge if each counter stays within its limits afterwards; otherwise adds nothing.</summary>
    /// <param name="charges">The charges, one per matched limit.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the reservation was applied, and which charge did not fit.</returns>
    ValueTask<BudgetReservationResult> TryReserveAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default);

    /// <summary>Adds every charge unconditionally (settling a reservation to the real usage; amounts may be negative).</summary>
    /// <param name="charges">The adjustments.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the adjustments are applied.</returns>
    ValueTask AdjustAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default);

    /// <summary>Reads a counter.</summary>
    /// <param name="key">The counter's key.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The balance; zero for an unknown or expired key.</returns>
    ValueTask<BudgetBalance> GetBalanceAsync(string key, CancellationToken cancellationToken = default);
}
