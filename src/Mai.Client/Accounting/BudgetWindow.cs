namespace Mai.Client.Accounting;

/// <summary>The period a <see cref="BudgetLimit"/> counts over. Windows are fixed calendar periods in UTC.</summary>
public enum BudgetWindow
{
    /// <summary>Each UTC minute.</summary>
    Minute,

    /// <summary>Each UTC day.</summary>
    Day,

    /// <summary>Each UTC calendar month.</summary>
    Month,

    /// <summary>Forever: the limit never resets.</summary>
    Total,
}
