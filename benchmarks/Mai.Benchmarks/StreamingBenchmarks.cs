using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace Mai.Benchmarks;

/// <summary>1,000-chunk streams, plain and with a &lt;think&gt; block, every contender on the same bytes.</summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class StreamingBenchmarks
{
    private Contenders _c = null!;

    [Params(Scenario.Stream, Scenario.ThinkStream)]
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
    public Task<long> Floor() => _c.FloorStreamAsync();

    [Benchmark(Description = "AzureInference")]
    public Task<long> AzureInference() => _c.AzureStreamAsync();

    [Benchmark(Description = "OpenAI")]
    public Task<long> OpenAI() => _c.OpenAIStreamAsync();

    [Benchmark(Description = "MaiTransport")]
    public Task<long> MaiTransport() => _c.TransportStreamAsync();

    [Benchmark(Description = "MaiOpenAITransport")]
    public Task<long> MaiOpenAITransport() => _c.OpenAITransportStreamAsync();

    [Benchmark(Description = "MaiClient")]
    public Task<long> MaiClient() => _c.MaiClientStreamAsync();

    [Benchmark(Description = "MaiBudgeted")]
    public Task<long> MaiBudgeted() => _c.MaiBudgetedStreamAsync();

    [Benchmark(Description = "MaiOpenAI")]
    public Task<long> MaiOpenAI() => _c.MaiOpenAIStreamAsync();
}
