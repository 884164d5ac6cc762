namespace Mai.Console.Usage;

/// <summary>The sums of one group of recorded calls; cost per currency, with the calls whose price was unknown counted apart.</summary>
internal sealed record UsageRow(
    string Key,
    int Calls,
    long InputTokens,
    long OutputTokens,
    long ReasoningTokens,
    long CachedInputTokens,
    long TotalTokens,
    int EstimatedCalls,
    IReadOnlyDictionary<string, decimal> CostByCurrency,
    int UnpricedCalls);
