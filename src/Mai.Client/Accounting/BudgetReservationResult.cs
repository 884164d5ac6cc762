namespace Mai.Client.Accounting;

/// <summary>The answer of <see cref="IBudgetStore.TryReserveAsync"/>: either every charge was applied, or none was.</summary>
/// <param name="Succeeded"><see langword="true"/> when every charge fitted and was applied.</param>
/// <param name="RefusedIndex">The index of the first charge that did not fit; -1 on success.</param>
/// <param name="Balance">The refused counter's balance before the attempt; default on success.</param>
public sealed record BudgetReservationResult(bool Succeeded, int RefusedIndex, BudgetBalance Balance)
{
    /// <summary>Gets the result of a reservation where every charge fitted.</summary>
    public static BudgetReservationResult Success { get; } = new(true, -1, default);
}
