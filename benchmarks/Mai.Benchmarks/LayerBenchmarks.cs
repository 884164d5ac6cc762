using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Mai.Benchmarks;

/// <summary>The cost of each layer: the transport, then reasoning, metering, resilience and budgets added one at a time.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class LayerBenchmarks
{
    private Contenders _c = null!;

    [Params(Scenario.ShortAnswer, Scenario.ToolCalls, Scenario.Stream, Scenario.ThinkStream)]
    public Scenario Scenario { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _c = new Contenders(Scenario);
        Verification.Check(_c);
    }

    [GlobalCleanup]
    public void Cleanup() => _c.Dispose();

    [Benchmark(Baseline = true)]
    public Task<long> MaiTransport() => _c.IsStreaming ? _c.TransportStreamAsync() : _c.TransportCompleteAsync();

    [Benchmark]
    public Task<long> PlusReasoning() => _c.LadderCallAsync(_c.Ladder[0].Client);

    [Benchmark]
    public Task<long> PlusMetering() => _c.LadderCallAsync(_c.Ladder[1].Client);

    [Benchmark]
    public Task<long> PlusResilience() => _c.LadderCallAsync(_c.Ladder[2].Client);

    [Benchmark]
    public Task<long> PlusBudgets() => _c.LadderCallAsync(_c.Ladder[3].Client);

    [Benchmark]
    public Task<long> MaiClientBudgeted() => _c.IsStreaming ? _c.MaiBudgetedStreamAsync() : _c.MaiBudgetedCompleteAsync();
}
