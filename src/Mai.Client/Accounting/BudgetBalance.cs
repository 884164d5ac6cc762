namespace Mai.Client.Accounting;

/// <summary>What a budget counter holds: tokens and cost used, in-flight reservations included.</summary>
/// <param name="Tokens">Tokens used or reserved.</param>
/// <param name="Cost">Cost used or reserved.</param>
public readonly record struct BudgetBalance(long Tokens, decimal Cost);
