using BenchmarkDotNet.Attributes;

namespace Mai.Benchmarks;

/// <summary>A 1,000-delta Anthropic Messages stream: the raw Anthropic SDK, the Claude transport alone, and MaiClient over it.</summary>
[MemoryDiagnoser]
public class ClaudeStreamingBenchmarks
{
    private ClaudeContenders _c = null!;

    [GlobalSetup]
    public void Setup()
    {
        _c = new ClaudeContenders();
        _c.Check();
    }

    [GlobalCleanup]
    public void Cleanup() => _c.Dispose();

    [Benchmark(Baseline = true, Description = "AnthropicSdk")]
    public Task<long> AnthropicSdk() => _c.SdkStreamAsync();

    [Benchmark(Description = "MaiClaudeTransport")]
    public Task<long> MaiClaudeTransport() => _c.TransportStreamAsync();

    [Benchmark(Description = "MaiClaude")]
    public Task<long> MaiClaude() => _c.MaiClientStreamAsync();
}
