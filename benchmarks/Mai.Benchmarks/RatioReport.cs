using System.Globalization;
using System.Text;
using BenchmarkDotNet.Reports;

namespace Mai.Benchmarks;

/// <summary>
/// Writes the committed table: per scenario and contender, median time (robust to other work on a shared machine; the mean is
/// shown too) and allocated bytes, their ratios to raw Azure.AI.Inference and to the raw-HTTP floor, and for streams the cost per chunk. Printed and saved as BenchmarkDotNet.Artifacts/results/ratios.md.
/// </summary>
public static class RatioReport
{
    public static void Write(IEnumerable<Summary> summaries)
    {
        var rows = new List<(Scenario Scenario, string Contender, double MedianNs, double MeanNs, long? Bytes)>();
        foreach (var summary in summaries)
        {
            foreach (var report in summary.Reports)
            {
                if (report.ResultStatistics is null || report.BenchmarkCase.Parameters["Scenario"] is not Scenario scenario)
                {
                    continue; // failed, or a benchmark without contenders (e.g. TokenEstimationBenchmarks, ThinkSplitterBenchmarks)
                }

                var name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
                var stats = report.ResultStatistics;
                rows.Add((scenario, name, stats.Median, stats.Mean, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        var sb = new StringBuilder();
        foreach (var group in rows.GroupBy(r => r.Scenario).OrderBy(g => g.Key))
        {
            var streaming = group.Key is Scenario.Stream or Scenario.ThinkStream;
            var floor = group.FirstOrDefault(r => r.Contender == "Floor");
            var azure = group.FirstOrDefault(r => r.Contender == "AzureInference");
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {group.Key}");
            sb.AppendLine();
            sb.AppendLine(streaming
                ? "| contender | median | mean | allocated | median per chunk | bytes per chunk | time ÷ Azure | bytes ÷ Azure | time ÷ floor | bytes ÷ floor |"
                : "| contender | median | mean | allocated | time ÷ Azure | bytes ÷ Azure | time ÷ floor | bytes ÷ floor |");
            sb.AppendLine(streaming ? "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in group)
            {
                var line = new StringBuilder();
                line.Append(CultureInfo.InvariantCulture, $"| {r.Contender} | {Time(r.MedianNs)} | {Time(r.MeanNs)} | {Bytes(r.Bytes)} |");
                if (streaming)
                {
                    line.Append(CultureInfo.InvariantCulture, $" {Time(r.MedianNs / CannedResponses.StreamChunks)} | {(r.Bytes is { } b ? Bytes(b / (double)CannedResponses.StreamChunks) : "n/a")} |");
                }

                line.Append(CultureInfo.InvariantCulture, $" {Ratio(r.MedianNs, azure.MedianNs)} | {Ratio(r.Bytes, azure.Bytes)} | {Ratio(r.MedianNs, floor.MedianNs)} | {Ratio(r.Bytes, floor.Bytes)} |");
                sb.AppendLine(line.ToString());
            }

            sb.AppendLine();
        }

        var text = sb.ToString();
        Console.WriteLine();
        Console.WriteLine(text);
        var dir = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "ratios.md"), text);
    }

    private static string Time(double ns) => ns switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000_000:F2} ms"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1_000:F2} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ns:F0} ns"),
    };

    private static string Bytes(double bytes) => Bytes((long?)Math.Round(bytes));

    private static string Bytes(long? bytes) => bytes switch
    {
        null => "n/a",
        >= 1_048_576 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1_048_576.0:F2} MB"),
        >= 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F2} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    private static string Ratio(double value, double baseline) =>
        baseline > 0 ? string.Create(CultureInfo.InvariantCulture, $"{value / baseline:F2}") : "n/a";

    private static string Ratio(long? value, long? baseline) =>
        value is { } v && baseline is { } b && b > 0 ? string.Create(CultureInfo.InvariantCulture, $"{(double)v / b:F2}") : "n/a";
}
