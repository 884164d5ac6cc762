namespace Mai.Console.Usage;

/// <summary>One row of the usage database: a billed attempt recorded by some <c>mai</c> command.</summary>
internal sealed record StoredCall(
    DateTimeOffset Timestamp,
    string Command,
    string Model,
    string Deployment,
    long InputTokens,
    long OutputTokens,
    long ReasoningTokens,
    long CachedInputTokens,
    long TotalTokens,
    bool Estimated,
    decimal? Cost,
    string Currency,
    string Outcome,
    bool Emulated);
