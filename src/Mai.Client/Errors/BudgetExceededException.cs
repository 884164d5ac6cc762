namespace Mai.Client.Errors;

/// <summary>
/// Thrown before anything is sent when a call's reservation does not fit a budget (tokens or cost per window) or a
/// deployment's TPM/RPM quota. No request was made.
/// </summary>
public sealed class BudgetExceededException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class.</summary>
    public BudgetExceededException()
        : this("The call does not fit its budget; no request was sent.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public BudgetExceededException(string message)
        : base(message)
    {
        Scope = string.Empty;
        Limit = string.Empty;
        Unit = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="BudgetExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
        Scope = string.Empty;
        Limit = string.Empty;
        Unit = string.Empty;
    }

    internal BudgetExceededException(string scope, string limit, decimal limitValue, decimal remaining, decimal requested, string unit, string detail, DateTimeOffset? resetsAt)
        : base($"Budget exceeded for {scope}: the limit is {limit}, {Format(remaining)} {unit} left, this call needs {Format(requested)} {unit}{detail}. No request was sent.")
    {
        Scope = scope;
        Limit = limit;
        LimitValue = limitValue;
        Remaining = remaining;
        Requested = requested;
        Unit = unit;
        ResetsAt = resetsAt;
    }

    private BudgetExceededException(string message, string scope, string limit, decimal limitValue, string unit)
        : base(message)
    {
        Scope = scope;
        Limit = limit;
        LimitValue = limitValue;
        Unit = unit;
    }

    /// <summary>Gets who the refused budget belongs to, e.g. <c>tenant 'acme'</c> or <c>deployment 'gpt4o-east'</c>.</summary>
    public string Scope { get; }

    /// <summary>Gets the limit as text, e.g. <c>10000 tokens per day</c>.</summary>
    public string Limit { get; }

    /// <summary>Gets the numeric value of the limit, in <see cref="Unit"/>.</summary>
    public decimal LimitValue { get; }

    /// <summary>Gets what was left of the limit when the call was refused, in <see cref="Unit"/>.</summary>
    public decimal Remaining { get; }

    /// <summary>Gets what the call would have reserved, in <see cref="Unit"/>.</summary>
    public decimal Requested { get; }

    /// <summary>Gets the unit of the amounts: <c>tokens</c>, <c>requests</c> or a currency code.</summary>
    public string Unit { get; }

    /// <summary>Gets when the limit's window starts over, or <see langword="null"/> for a total limit.</summary>
    public DateTimeOffset? ResetsAt { get; }

    internal static BudgetExceededException Unpriced(string scope, string limit, decimal limitValue, string currency, string? model) => new(
        $"Budget exceeded for {scope}: the limit is {limit}, but model '{model ?? "(unknown)"}' has no price, so its cost cannot be checked against the limit. " +
        "Add a price for it to the PriceTable (or set BudgetOptions.RefuseUnpricedModels = false). No request was sent.",
        scope,
        limit,
        limitValue,
        currency);

    private static string Format(decimal value) => value.ToString("#,0.########", System.Globalization.CultureInfo.InvariantCulture);
}
