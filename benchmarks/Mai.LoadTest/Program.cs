using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Mai.LoadTest;

// Child mode: one contender at one concurrency; prints one RESULT line.
if (args.Length == 6 && args[0] == "--child")
{
    var result = await StreamRunner.RunAsync(
        args[1],
        new Uri(args[2]),
        int.Parse(args[3], CultureInfo.InvariantCulture),
        TimeSpan.FromMilliseconds(double.Parse(args[4], CultureInfo.InvariantCulture)),
        double.Parse(args[5], CultureInfo.InvariantCulture));
    Console.WriteLine("RESULT " + JsonSerializer.Serialize(result));
    return 0;
}

var emulatorPath = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/Mai.Emulator/bin/Release/net10.0/Mai.Emulator.dll"));
int[] counts = [1_000, 5_000, 10_000];
string[] contenders = ["azure", "mai"];
var ramp = 2_000.0;
string? output = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--emulator": emulatorPath = Path.GetFullPath(args[++i]); break;
        case "--streams": counts = [.. args[++i].Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture))]; break;
        case "--contenders": contenders = args[++i].Split(','); break;
        case "--ramp": ramp = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": output = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: Mai.LoadTest [--emulator PATH/Mai.Emulator.dll] [--streams 1000,5000,10000] [--contenders azure,mai] [--ramp STREAMS_PER_S] [--out FILE.md]");
            return 2;
    }
}

if (counts.Any(n => n is < 1 or > 10_000))
{
    Console.Error.WriteLine("--streams: each count must be between 1 and 10000.");
    return 2;
}

if (!File.Exists(emulatorPath))
{
    Console.Error.WriteLine($"Emulator not found at {emulatorPath}; build it: dotnet build -c Release src/Mai.Emulator");
    return 2;
}

// The emulator runs in its own process, so that its memory and threads are not counted against the client.
using var emulator = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList = { emulatorPath, "--port", "0", "--api-key", StreamRunner.ApiKey, "--model", "gpt-4o" },
    RedirectStandardOutput = true,
    RedirectStandardError = true,
    UseShellExecute = false,
})!;
try
{
    var line = await emulator.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
    if (line is null || !Uri.TryCreate(line.Trim(), UriKind.Absolute, out var endpoint) || !endpoint.IsLoopback)
    {
        Console.Error.WriteLine($"The emulator did not print a loopback endpoint: '{line}'.");
        return 1;
    }

    Console.WriteLine($"emulator: {endpoint} (pid {emulator.Id})");
    var results = new List<RunResult>();
    foreach (var n in counts)
    {
        // Streams are held open (stalled after their first content chunk) longer than it takes to open them all.
        var stallMs = 10_000 + (n * 1_000.0 / ramp) + (n * 1.0);
        foreach (var contender in contenders)
        {
            var result = await RunChildAsync(contender, endpoint, n, stallMs, ramp);
            if (result is not null)
            {
                results.Add(result);
                Console.WriteLine($"  {contender,-6} N={n,6}: {result.Completed}/{n} completed, all open at once: {result.AllOpenAtOnce}, live heap/stream {result.LiveHeapPerStream:F0} B, ttft p50 {result.TtftP50Ms:F1} ms");
            }
        }
    }

    var table = Report(results);
    Console.WriteLine();
    Console.WriteLine(table);
    if (output is not null)
    {
        await File.WriteAllTextAsync(output, table);
    }

    return results.All(r => r.Failed == 0) ? 0 : 1;
}
finally
{
    if (!emulator.HasExited)
    {
        emulator.Kill(entireProcessTree: false);
        await emulator.WaitForExitAsync();
    }
}

static async Task<RunResult?> RunChildAsync(string contender, Uri endpoint, int n, double stallMs, double ramp)
{
    var self = typeof(StreamRunner).Assembly.Location;
    var start = new ProcessStartInfo("dotnet")
    {
        ArgumentList = { self, "--child", contender, endpoint.ToString(), n.ToString(CultureInfo.InvariantCulture), stallMs.ToString(CultureInfo.InvariantCulture), ramp.ToString(CultureInfo.InvariantCulture) },
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        UseShellExecute = false,
    };
    using var child = Process.Start(start)!;
    var stdout = child.StandardOutput.ReadToEndAsync();
    var stderr = child.StandardError.ReadToEndAsync();
    using var limit = new CancellationTokenSource(TimeSpan.FromMilliseconds(stallMs) + TimeSpan.FromMinutes(5));
    try
    {
        await child.WaitForExitAsync(limit.Token);
    }
    catch (OperationCanceledException)
    {
        child.Kill(entireProcessTree: true);
        Console.Error.WriteLine($"  {contender} N={n}: killed after the time limit.");
        return null;
    }

    var text = await stdout;
    var resultLine = text.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
    if (resultLine is null)
    {
        Console.Error.WriteLine($"  {contender} N={n}: no result (exit {child.ExitCode}). {await stderr}");
        return null;
    }

    return JsonSerializer.Deserialize<RunResult>(resultLine["RESULT ".Length..]);
}

static string Report(List<RunResult> results)
{
    static string Ms(double v) => double.IsNaN(v) ? "n/a" : v.ToString("F1", CultureInfo.InvariantCulture);
    static string Mb(long v) => (v / 1_048_576.0).ToString("F0", CultureInfo.InvariantCulture);
    static string Kb(double v) => (v / 1024.0).ToString("F1", CultureInfo.InvariantCulture);

    var sb = new StringBuilder();
    sb.AppendLine("| N | client | completed | all open at once | TTFT p50 / p99 (ms) | added TTFT p50 / p99 vs raw SDK (ms) | total p50 / p99 (ms) | added total p50 / p99 (ms) | live heap per open stream (KB) | working set per open stream (KB) | peak working set (MB) | peak GC heap (MB) | thread-pool threads (before → peak) | client CPU (s) |");
    sb.AppendLine("|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var r in results)
    {
        var raw = results.FirstOrDefault(x => x.Streams == r.Streams && x.Contender == "azure");
        var added = raw is null || ReferenceEquals(raw, r)
            ? ("—", "—")
            : ($"{Ms(r.TtftP50Ms - raw.TtftP50Ms)} / {Ms(r.TtftP99Ms - raw.TtftP99Ms)}", $"{Ms(r.TotalP50Ms - raw.TotalP50Ms)} / {Ms(r.TotalP99Ms - raw.TotalP99Ms)}");
        var name = r.Contender == "azure" ? "raw Azure.AI.Inference" : "MaiClient (full pipeline)";
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"| {r.Streams:N0} | {name} | {r.Completed:N0}/{r.Streams:N0}{(r.FirstError is null ? string.Empty : $" ({r.FirstError})")} | {(r.AllOpenAtOnce ? "yes" : "no")} | {Ms(r.TtftP50Ms)} / {Ms(r.TtftP99Ms)} | {added.Item1} | {Ms(r.TotalP50Ms)} / {Ms(r.TotalP99Ms)} | {added.Item2} | {Kb(r.LiveHeapPerStream)} | {Kb(r.WorkingSetPerStream)} | {Mb(r.PeakWorkingSet)} | {Mb(r.PeakHeapSize)} | {r.BaselineThreads} → {r.PeakThreads} | {r.CpuSeconds:F1} |");
    }

    return sb.ToString();
}
