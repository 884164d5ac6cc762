namespace Mai.Client.Accounting;

/// <summary>An amount of tokens and cost to add to one budget counter, with the limits it must stay within (for a reservation).</summary>
/// <param name="Key">The counter's key (limit, scope values and window start).</param>
/// <param name="Tokens">Tokens to add (negative to give back).</param>
/// <param name="Cost">Cost to add (negative to give back).</param>
public sealed record BudgetCharge(string Key, long Tokens, decimal Cost)
{
    /// <summary>Gets the token limit the counter must stay within after a reservation; <see langword="null"/> for none.</summary>
    public long? TokenLimit { get; init; }

    /// <summary>Gets the cost limit the counter must stay within after a reservation; <see langword="null"/> for none.</summary>
    public decimal? CostLimit { get; init; }

    /// <summary>Gets when the counter's window ends and the store may forget it; <see langword="null"/> for never.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
