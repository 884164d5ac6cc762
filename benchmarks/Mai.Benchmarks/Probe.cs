using System.Diagnostics;
using System.Globalization;

namespace Mai.Benchmarks;

/// <summary>
/// A quick in-process measurement for development (not the committed numbers): per contender and scenario, the median of 5 rounds
/// of mean time per call, mean CPU time per call (the process's user + system time, which a shared machine distorts less than wall
/// time), and allocated bytes per call from <see cref="GC.GetTotalAllocatedBytes(bool)"/>.
/// </summary>
public static class Probe
{
    public static async Task RunAsync(string? only, string? onlyScenario = null)
    {
        Console.WriteLine("scenario     contender            mean µs    CPU µs   alloc B/op");
        foreach (var scenario in Enum.GetValues<Scenario>())
        {
            if (!Matches(scenario.ToString(), onlyScenario))
            {
                continue;
            }

            using var c = new Contenders(scenario);
            Verification.Check(c);
            var iterations = c.IsStreaming ? 200 : 5_000;
            foreach (var (name, call, _) in Verification.Calls(c))
            {
                if (Matches(name, only))
                {
                    Print(scenario.ToString(), name, await MeasureAsync(call, iterations).ConfigureAwait(false));
                }
            }
        }

        if (!Matches("ClaudeStream", onlyScenario))
        {
            return;
        }

        using var claude = new ClaudeContenders();
        claude.Check();
        foreach (var (name, call, _) in claude.Calls)
        {
            if (Matches(name, only))
            {
                Print("ClaudeStream", name, await MeasureAsync(call, 200).ConfigureAwait(false));
            }
        }
    }

    /// <summary>
    /// Bytes per chunk as a slope: each streaming contender measured on 1,000- and 3,000-chunk streams of the same shape, so what is
    /// per call cancels out. Run it under <c>DOTNET_TieredCompilation=0</c>, <c>DOTNET_JITMinOpts=1</c> (every method stays at
    /// minimal optimisation, as Tier0) and the default, to show that per-chunk allocations do not depend on the JIT tier.
    /// </summary>
    public static async Task PerChunkAsync(string? only)
    {
        const int Short = 1000, Long = 3000;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"JIT: TieredCompilation={Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "default"}, JITMinOpts={Environment.GetEnvironmentVariable("DOTNET_JITMinOpts") ?? "default"}, TieredPGO={Environment.GetEnvironmentVariable("DOTNET_TieredPGO") ?? "default"}"));
        Console.WriteLine("scenario     contender            B/call@1000  B/call@3000  B/chunk (slope)");
        foreach (var scenario in new[] { Scenario.Stream, Scenario.ThinkStream })
        {
            using var shortRun = new Contenders(scenario, Short);
            using var longRun = new Contenders(scenario, Long);
            Verification.Check(shortRun);
            Verification.Check(longRun);
            var shortCalls = Verification.Calls(shortRun);
            var longCalls = Verification.Calls(longRun);
            for (var i = 0; i < shortCalls.Count; i++)
            {
                if (Matches(shortCalls[i].Name, only))
                {
                    var a = await MeasureAsync(shortCalls[i].Call, 60).ConfigureAwait(false);
                    var b = await MeasureAsync(longCalls[i].Call, 20).ConfigureAwait(false);
                    PrintSlope(scenario.ToString(), shortCalls[i].Name, a.Bytes, b.Bytes, Long - Short);
                }
            }
        }

        using var claudeShort = new ClaudeContenders(Short);
        using var claudeLong = new ClaudeContenders(Long);
        claudeShort.Check();
        claudeLong.Check();
        for (var i = 0; i < claudeShort.Calls.Count; i++)
        {
            if (Matches(claudeShort.Calls[i].Name, only))
            {
                var a = await MeasureAsync(claudeShort.Calls[i].Call, 60).ConfigureAwait(false);
                var b = await MeasureAsync(claudeLong.Calls[i].Call, 20).ConfigureAwait(false);
                PrintSlope("ClaudeStream", claudeShort.Calls[i].Name, a.Bytes, b.Bytes, Long - Short);
            }
        }
    }

    private static bool Matches(string name, string? only) => only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase);

    private static void Print(string scenario, string name, (double Micros, double CpuMicros, double Bytes) m) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{scenario,-12} {name,-20} {m.Micros,9:F1} {m.CpuMicros,9:F1} {m.Bytes,12:F0}"));

    private static void PrintSlope(string scenario, string name, double shortBytes, double longBytes, int extraChunks) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{scenario,-12} {name,-20} {shortBytes,11:F0} {longBytes,12:F0} {(longBytes - shortBytes) / extraChunks,16:F1}"));

    /// <summary>Warms up, then 5 rounds of <paramref name="iterations"/> calls; the median of each measure.</summary>
    public static async Task<(double Micros, double CpuMicros, double Bytes)> MeasureAsync(Func<Task<long>> call, int iterations)
    {
        for (var i = 0; i < Math.Max(iterations / 4, 50); i++)
        {
            await call().ConfigureAwait(false);
        }

        var times = new List<double>();
        var cpu = new List<double>();
        var bytes = new List<double>();
        var process = Process.GetCurrentProcess();
        for (var round = 0; round < 5; round++)
        {
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var before = GC.GetTotalAllocatedBytes(precise: true);
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < iterations; i++)
            {
                await call().ConfigureAwait(false);
            }

            sw.Stop();
            bytes.Add((GC.GetTotalAllocatedBytes(precise: true) - before) / (double)iterations);
            process.Refresh();
            cpu.Add((process.TotalProcessorTime - cpuBefore).TotalMicroseconds / iterations);
            times.Add(sw.Elapsed.TotalMicroseconds / iterations);
        }

        times.Sort();
        cpu.Sort();
        bytes.Sort();
        return (times[2], cpu[2], bytes[2]);
    }
}
