using System.Diagnostics;
using System.Globalization;

namespace Mai.Benchmarks;

/// <summary>
/// A quick in-process measurement for development (not the committed numbers): per contender and scenario, the median of 5 rounds
/// of mean time per call, and allocated bytes per call from <see cref="GC.GetTotalAllocatedBytes(bool)"/>.
/// </summary>
public static class Probe
{
    public static async Task RunAsync(string? only)
    {
        Console.WriteLine("scenario     contender        mean µs   alloc B/op");
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            using var c = new Contenders(scenario);
            Verification.Check(c);
            var iterations = c.IsStreaming ? 200 : 5_000;
            foreach (var (name, call, _) in Verification.Calls(c))
            {
                if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                for (var i = 0; i < iterations / 4; i++)
                {
                    await call().ConfigureAwait(false);
                }

                var times = new List<double>();
                var bytes = new List<double>();
                for (var round = 0; round < 5; round++)
                {
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var sw = Stopwatch.StartNew();
                    for (var i = 0; i < iterations; i++)
                    {
                        await call().ConfigureAwait(false);
                    }

                    sw.Stop();
                    bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)iterations);
                    times.Add(sw.Elapsed.TotalMicroseconds / iterations);
                }

                times.Sort();
                bytes.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario,-12} {name,-15} {times[2],9:F1} {bytes[2],12:F0}"));
            }
        }
    }
}
