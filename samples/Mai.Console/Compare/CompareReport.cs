namespace Mai.Console.Compare;

/// <summary>Everything a comparison produced: the set-up, one summary per model (in the order asked), and every call.</summary>
internal sealed record CompareReport
{
    public required DateTimeOffset GeneratedAt { get; init; }

    public required string PromptSource { get; init; }

    public required int Prompts { get; init; }

    public required int Runs { get; init; }

    public required int Concurrency { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public string? JudgeModel { get; init; }

    public bool JudgeEmulated { get; init; }

    public required IReadOnlyList<ModelSummary> Models { get; init; }

    public required IReadOnlyList<CallMeasurement> Calls { get; init; }

    /// <summary>Gets the prompts, with their text and expectation, so each pass or failure can be explained.</summary>
    public IReadOnlyList<PromptCase> PromptCases { get; init; } = [];

    /// <summary>Gets how many calls were planned (models × prompts × runs).</summary>
    public int PlannedCalls { get; init; }

    /// <summary>Gets whether the run was stopped (Ctrl+C) before every planned call was measured.</summary>
    public bool Incomplete => Calls.Count < PlannedCalls;

    /// <summary>Gets what the judge cost over all answers; <see langword="null"/> when unknown or no judge.</summary>
    public decimal? JudgeCost => JudgeModel is null || Models.Any(m => m.JudgeAsked > 0 && m.JudgeCost is null) ? null : Models.Sum(m => m.JudgeCost ?? 0);

    public bool AnyEmulated => Models.Any(m => m.Emulated) || JudgeEmulated;

    public static CompareReport Build(
        IReadOnlyList<CompareTarget> targets,
        IReadOnlyList<CallMeasurement> calls,
        string promptSource,
        int prompts,
        int runs,
        int concurrency,
        TimeSpan elapsed,
        DateTimeOffset generatedAt,
        JudgeScorer? judge,
        bool judgeEmulated,
        IReadOnlyList<PromptCase>? promptCases = null) => new()
        {
            PromptCases = promptCases ?? [],
            PlannedCalls = targets.Count * prompts * runs,
            GeneratedAt = generatedAt,
            PromptSource = promptSource,
            Prompts = prompts,
            Runs = runs,
            Concurrency = concurrency,
            Elapsed = elapsed,
            JudgeModel = judge?.Model,
            JudgeEmulated = judgeEmulated,
            Models = [.. targets.Select(t => ModelSummary.From(t.Model, t.Emulated, [.. calls.Where(c => c.Model == t.Model)]))],
            Calls = calls,
        };
}
