namespace Mai.Console.Compare;

/// <summary>What one model did over a comparison: successes, pass rate, latency percentiles, speed, tokens, cost, errors, judge.</summary>
internal sealed record ModelSummary
{
    public required string Model { get; init; }

    public required bool Emulated { get; init; }

    public string DisplayName => Model + (Emulated ? " (emulated)" : string.Empty);

    public int Calls { get; init; }

    public int Succeeded { get; init; }

    public int Checked { get; init; }

    public int Passed { get; init; }

    /// <summary>Gets passed ÷ checked over successful calls with an expectation; <see langword="null"/> when none was checked.</summary>
    public double? PassRate => Checked == 0 ? null : (double)Passed / Checked;

    public double? TtftP50Ms { get; init; }

    public double? TtftP95Ms { get; init; }

    public double? LatencyP50Ms { get; init; }

    public double? LatencyP95Ms { get; init; }

    /// <summary>Gets Σ output tokens ÷ Σ generation time (latency − time to first token) over successful calls.</summary>
    public double? OutputTokensPerSecond { get; init; }

    public double MeanInputTokens { get; init; }

    public double MeanOutputTokens { get; init; }

    public double MeanReasoningTokens { get; init; }

    public long TotalInputTokens { get; init; }

    public long TotalOutputTokens { get; init; }

    public long TotalReasoningTokens { get; init; }

    /// <summary>Gets the cost of all calls, failed ones included; <see langword="null"/> (unknown) when any call's cost is unknown.</summary>
    public decimal? TotalCost { get; init; }

    public decimal? CostPerCall => TotalCost is { } total && Calls > 0 ? total / Calls : null;

    public decimal? CostPer1000Calls => CostPerCall * 1000;

    public string? Currency { get; init; }

    public IReadOnlyDictionary<string, int> Errors { get; init; } = new Dictionary<string, int>();

    public double? JudgeMean { get; init; }

    public int JudgeScored { get; init; }

    public int JudgeAsked { get; init; }

    public decimal? JudgeCost { get; init; }

    /// <summary>Gets each successful call's total latency in ms, in call order (for the distribution chart).</summary>
    public IReadOnlyList<double> LatenciesMs { get; init; } = [];

    /// <summary>Gets each successful streamed call's time to first token in ms.</summary>
    public IReadOnlyList<double> TtftsMs { get; init; } = [];

    public static ModelSummary From(string model, bool emulated, IReadOnlyList<CallMeasurement> calls)
    {
        var ok = calls.Where(c => c.Succeeded).ToList();
        var latencies = ok.Select(c => c.Duration.TotalMilliseconds).ToList();
        var ttfts = ok.Where(c => c.TimeToFirstToken is not null).Select(c => c.TimeToFirstToken!.Value.TotalMilliseconds).ToList();
        var generation = ok.Where(c => c.TimeToFirstToken is not null).ToList();
        var generationSeconds = generation.Sum(c => (c.Duration - c.TimeToFirstToken!.Value).TotalSeconds);
        var judged = calls.Where(c => c.Judged).ToList();
        var scores = calls.Where(c => c.JudgeScore is not null).Select(c => (double)c.JudgeScore!.Value).ToList();
        return new ModelSummary
        {
            Model = model,
            Emulated = emulated,
            Calls = calls.Count,
            Succeeded = ok.Count,
            Checked = ok.Count(c => c.Passed is not null),
            Passed = ok.Count(c => c.Passed == true),
            TtftP50Ms = Percentiles.Of(ttfts, 0.50),
            TtftP95Ms = Percentiles.Of(ttfts, 0.95),
            LatencyP50Ms = Percentiles.Of(latencies, 0.50),
            LatencyP95Ms = Percentiles.Of(latencies, 0.95),
            OutputTokensPerSecond = generationSeconds > 0 ? generation.Sum(c => c.OutputTokens) / generationSeconds : null,
            MeanInputTokens = ok.Count == 0 ? 0 : ok.Average(c => c.InputTokens),
            MeanOutputTokens = ok.Count == 0 ? 0 : ok.Average(c => c.OutputTokens),
            MeanReasoningTokens = ok.Count == 0 ? 0 : ok.Average(c => c.ReasoningTokens),
            TotalInputTokens = calls.Sum(c => c.InputTokens),
            TotalOutputTokens = calls.Sum(c => c.OutputTokens),
            TotalReasoningTokens = calls.Sum(c => c.ReasoningTokens),
            TotalCost = calls.Count > 0 && calls.All(c => c.Cost is not null) ? calls.Sum(c => c.Cost!.Value) : null,
            Currency = calls.Select(c => c.Currency).FirstOrDefault(c => c is not null),
            Errors = calls.Where(c => c.Error is not null).GroupBy(c => c.Error!, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal),
            JudgeAsked = judged.Count,
            JudgeScored = scores.Count,
            JudgeMean = scores.Count == 0 ? null : scores.Average(),
            JudgeCost = judged.Count > 0 && judged.All(c => c.JudgeCost is not null) ? judged.Sum(c => c.JudgeCost!.Value) : null,
            LatenciesMs = latencies,
            TtftsMs = ttfts,
        };
    }
}
