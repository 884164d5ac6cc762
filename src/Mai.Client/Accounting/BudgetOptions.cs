namespace Mai.Client.Accounting;

/// <summary>Options of a <see cref="BudgetChatClient"/>: the limits, where their counters live, and how a call's reservation is estimated.</summary>
/// <remarks>Validated and copied when the client is built; later changes to this instance have no effect on it.</remarks>
public sealed class BudgetOptions
{
    /// <summary>Gets or sets the limits; a call must fit every limit whose selectors match its scope.</summary>
    public IList<BudgetLimit> Limits { get; set; } = [];

    /// <summary>Gets or sets where the counters live.</summary>
    /// <value>The default is <see langword="null"/>, meaning a new <see cref="InMemoryBudgetStore"/> per client.</value>
    public IBudgetStore? Store { get; set; }

    /// <summary>Gets or sets the prices used to reserve and settle cost limits (use the same table as the metering layer).</summary>
    /// <value>The default is <see cref="PriceTable.Default"/>.</value>
    public PriceTable PriceTable { get; set; } = PriceTable.Default;

    /// <summary>Gets or sets the estimator for the prompt tokens reserved before sending.</summary>
    /// <value>The default is <see langword="null"/>, meaning <see cref="TokenEstimator.ForModel"/> for each model the call may reach
    /// (the largest estimate is reserved). The vocabulary starts loading in the background when the client is built.</value>
    public TokenEstimator? TokenEstimator { get; set; }

    /// <summary>Gets or sets the model id priced when a call's <c>ChatOptions.ModelId</c> is null.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the models of the fallback deployments a call may fail over to; the reservation is priced, counted and
    /// capped at the most expensive model the call may reach.</summary>
    /// <value>The default is empty: only <see cref="ModelId"/> (or the call's <c>ChatOptions.ModelId</c>).</value>
    public IList<string> FallbackModelIds { get; set; } = [];

    /// <summary>Gets or sets the most output tokens each model can produce in one answer (by model id or id prefix, the longest
    /// prefix wins), reserved when a call sets no <c>MaxOutputTokens</c>.</summary>
    /// <value>The default holds the published ceilings of the gpt-4o, gpt-4.1, gpt-4, gpt-35-turbo, o-series, DeepSeek-R1 and Claude
    /// families; add or override entries here.</value>
    public IDictionary<string, int> OutputTokenCeilings { get; set; } = AccountingDefaults.CreateOutputTokenCeilings();

    /// <summary>Gets or sets the context window of the model(s); when set, the output reserved for a call without
    /// <c>MaxOutputTokens</c> is at most the window minus the prompt.</summary>
    /// <value>The default is <see langword="null"/>: no cap.</value>
    public int? ContextWindowTokens { get; set; }

    /// <summary>Gets or sets the output tokens reserved when a call sets no <c>MaxOutputTokens</c> and its model is not in
    /// <see cref="OutputTokenCeilings"/>.</summary>
    /// <value>The default is 4096.</value>
    public int DefaultOutputTokenReservation { get; set; } = AccountingDefaults.OutputTokenReservation;

    /// <summary>Gets or sets a value indicating whether a call is refused when a cost limit applies to it but its model has no price.</summary>
    /// <value>The default is <see langword="true"/>: an unpriced model could otherwise spend without bound under a cost limit.</value>
    public bool RefuseUnpricedModels { get; set; } = true;
}
