namespace Mai.Client.Accounting;

/// <summary>
/// A token and/or cost limit per window for the calls of one scope. Each scope selector is <see langword="null"/> (any value,
/// counted together), <c>*</c> (one counter per distinct value; calls without a value do not match) or an exact value.
/// </summary>
/// <example><c>new BudgetLimit { Name = "per-tenant-daily", Tenant = "*", Window = BudgetWindow.Day, MaxTokens = 1_000_000 }</c>
/// gives every tenant its own million tokens a day.</example>
public sealed class BudgetLimit
{
    /// <summary>The selector value that gives every distinct value its own counter.</summary>
    public const string EachValue = "*";

    /// <summary>Gets or sets the name of the limit, shown in errors and used by <see cref="BudgetChatClient.GetBalanceAsync(string, MaiScope?, CancellationToken)"/>.</summary>
    /// <value>The default is <see langword="null"/>: the limit is named by its position in <see cref="BudgetOptions.Limits"/>.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the user selector.</summary>
    public string? User { get; set; }

    /// <summary>Gets or sets the tenant selector.</summary>
    public string? Tenant { get; set; }

    /// <summary>Gets or sets the tag selector.</summary>
    public string? Tag { get; set; }

    /// <summary>Gets or sets the window the limit counts over.</summary>
    /// <value>The default is <see cref="BudgetWindow.Day"/>.</value>
    public BudgetWindow Window { get; set; } = BudgetWindow.Day;

    /// <summary>Gets or sets the most tokens (input + output) the scope may use per window.</summary>
    /// <value>The default is <see langword="null"/>: no token limit.</value>
    public long? MaxTokens { get; set; }

    /// <summary>Gets or sets the most the scope may spend per window, in the price table's currency.</summary>
    /// <value>The default is <see langword="null"/>: no cost limit.</value>
    public decimal? MaxCost { get; set; }

    internal BudgetLimit Copy() => (BudgetLimit)MemberwiseClone();
}
