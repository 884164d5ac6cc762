using BenchmarkDotNet.Attributes;
using Mai.Client.Accounting;

namespace Mai.Benchmarks;

/// <summary>
/// Token estimation on adversarial text (issue 12, item 14): runs without whitespace used to cost quadratic time in the
/// tokenizer's merge loop (256 KB: 16–18 s; 1 MB never finished). Linear means the 10 MB row costs about ten times the
/// 1 MB row, per kind of input. Run: <c>--filter '*TokenEstimationBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class TokenEstimationBenchmarks
{
    private string _text = string.Empty;

    [Params(1_000_000, 10_000_000)]
    public int Length { get; set; }

    [Params("no-spaces", "angle-brackets", "whitespace", "prose")]
    public string Input { get; set; } = "no-spaces";

    [GlobalSetup]
    public void Setup()
    {
        _text = Input switch
        {
            "no-spaces" => new string('a', Length),
            "angle-brackets" => string.Concat(Enumerable.Repeat("<think><", (Length / 8) + 1))[..Length],
            "whitespace" => new string(' ', Length),
            _ => string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", (Length / 45) + 1))[..Length],
        };
        _ = TokenEstimator.Default.CountTokens("warm up the vocabulary");
    }

    [Benchmark]
    public int CountTokens() => TokenEstimator.Default.CountTokens(_text);
}
