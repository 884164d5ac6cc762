using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Mai.Benchmarks;

/// <summary>Non-streaming calls: a short answer and a tool-call answer, every contender on the same bytes.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class CompletionBenchmarks
{
    private Contenders _c = null!;

    [Params(Scenario.ShortAnswer, Scenario.ToolCalls)]
    public Scenario Scenario { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _c = new Contenders(Scenario);
        Verification.Check(_c);
    }

    [GlobalCleanup]
    public void Cleanup() => _c.Dispose();

    [Benchmark(Baseline = true, Description = "Floor")]
    public Task<long> Floor() => _c.FloorCompleteAsync();

    [Benchmark(Description = "AzureInference")]
    public Task<long> AzureInference() => _c.AzureCompleteAsync();

    [Benchmark(Description = "OpenAI")]
    public Task<long> OpenAI() => _c.OpenAICompleteAsync();

    [Benchmark(Description = "MaiTransport")]
    public Task<long> MaiTransport() => _c.TransportCompleteAsync();

    [Benchmark(Description = "MaiClient")]
    public Task<long> MaiClient() => _c.MaiClientCompleteAsync();

    [Benchmark(Description = "MaiBudgeted")]
    public Task<long> MaiBudgeted() => _c.MaiBudgetedCompleteAsync();

    [Benchmark(Description = "MaiOpenAI")]
    public Task<long> MaiOpenAI() => _c.MaiOpenAICompleteAsync();
}
