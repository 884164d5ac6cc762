namespace Mai.LoadTest;

/// <summary>What one child process measured for one contender at one concurrency.</summary>
public sealed record RunResult
{
    public required string Contender { get; init; }

    public int Streams { get; init; }

    public int Completed { get; init; }

    public int Failed { get; init; }

    public string? FirstError { get; init; }

    public bool AllOpenAtOnce { get; init; }

    public double OpenPhaseSeconds { get; init; }

    public double WallSeconds { get; init; }

    public double TtftP50Ms { get; init; }

    public double TtftP99Ms { get; init; }

    public double TotalP50Ms { get; init; }

    public double TotalP99Ms { get; init; }

    public long BaselineWorkingSet { get; init; }

    public long BaselineHeap { get; init; }

    public long OpenWorkingSet { get; init; }

    public long OpenLiveHeap { get; init; }

    public long PeakWorkingSet { get; init; }

    public long PeakHeapSize { get; init; }

    public int BaselineThreads { get; init; }

    public int PeakThreads { get; init; }

    public double CpuSeconds { get; init; }

    public double WorkingSetPerStream => Streams == 0 ? 0 : (OpenWorkingSet - BaselineWorkingSet) / (double)Streams;

    public double LiveHeapPerStream => Streams == 0 ? 0 : (OpenLiveHeap - BaselineHeap) / (double)Streams;
}
