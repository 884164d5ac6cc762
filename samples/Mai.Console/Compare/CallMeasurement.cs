namespace Mai.Console.Compare;

/// <summary>One streamed call of a comparison: timing, tokens, cost (null = unknown), outcome, and the quality checks.</summary>
internal sealed record CallMeasurement
{
    public required string Model { get; init; }

    public required int Prompt { get; init; }

    public required int Run { get; init; }

    public bool Succeeded => Error is null;

    /// <summary>Gets the error kind (e.g. <c>HTTP 429</c>, <c>stream cut</c>), or <see langword="null"/> on success.</summary>
    public string? Error { get; init; }

    public TimeSpan? TimeToFirstToken { get; init; }

    public TimeSpan Duration { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public long ReasoningTokens { get; init; }

    /// <summary>Gets the cost of every billed attempt of the call; <see langword="null"/> when a price is unknown or nothing was metered.</summary>
    public decimal? Cost { get; init; }

    public string? Currency { get; init; }

    /// <summary>Gets the answer text (reasoning apart); <see langword="null"/> when the call failed.</summary>
    public string? Answer { get; init; }

    /// <summary>Gets whether the answer met the prompt's expectation; <see langword="null"/> when there was none or the call failed.</summary>
    public bool? Passed { get; init; }

    /// <summary>Gets the judge's score (1–5); <see langword="null"/> when not judged or the judge gave none.</summary>
    public int? JudgeScore { get; init; }

    /// <summary>Gets what judging this answer cost (reported apart from the model's own cost).</summary>
    public decimal? JudgeCost { get; init; }

    /// <summary>Gets whether the judge was asked about this answer (its cost may still be unknown).</summary>
    public bool Judged { get; init; }
}
