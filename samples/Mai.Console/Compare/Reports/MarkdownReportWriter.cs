using System.Globalization;
using System.Text;

namespace Mai.Console.Compare.Reports;

/// <summary>The comparison as a Markdown document: one table row per model, then errors and the judge's cost.</summary>
internal static class MarkdownReportWriter
{
    public static string Write(CompareReport report)
    {
        var md = new StringBuilder();
        md.AppendLine("# mai compare");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{report.Prompts} prompts ({report.PromptSource}) × {report.Runs} run(s) per model, {report.Concurrency} at a time, streamed; {report.Elapsed.TotalSeconds:0.0} s; {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC.");
        if (report.Incomplete)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"**Incomplete:** stopped after {report.Calls.Count} of {report.PlannedCalls} calls; the figures cover the calls that finished.");
        }

        if (report.AnyEmulated)
        {
            md.AppendLine();
            md.AppendLine("Models marked (emulated) were served by the embedded Mai emulator: their latency, text and pass rates are synthetic.");
        }

        md.AppendLine();
        md.AppendLine("| model | ok | pass rate | TTFT p50 / p95 (ms) | latency p50 / p95 (ms) | output tok/s | input / output / reasoning tokens (mean) | cost per call | cost per 1,000 calls | errors | judge (1–5) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var m in report.Models)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {Cell(m.DisplayName)} | {m.Succeeded}/{m.Calls} | {ReportFormat.Passes(m)} | {ReportFormat.Pair(m.TtftP50Ms, m.TtftP95Ms)} | {ReportFormat.Pair(m.LatencyP50Ms, m.LatencyP95Ms)} | {ReportFormat.Rate(m.OutputTokensPerSecond)} | {ReportFormat.Tokens(m.MeanInputTokens)} / {ReportFormat.Tokens(m.MeanOutputTokens)} / {ReportFormat.Tokens(m.MeanReasoningTokens)} | {ReportFormat.Money(m.CostPerCall, m.Currency)} | {ReportFormat.Money(m.CostPer1000Calls, m.Currency)} | {Cell(ReportFormat.Errors(m.Errors))} | {ReportFormat.Judge(m)} |");
        }

        if (report.JudgeModel is { } judge)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Judge: {Cell(judge)}{(report.JudgeEmulated ? " (emulated)" : string.Empty)}, scoring each answer 1–5 against a fixed rubric; judging cost {ReportFormat.Money(report.JudgeCost, report.Models.Select(m => m.Currency).FirstOrDefault(c => c is not null))} in total, not included in the models' cost.");
        }

        md.AppendLine();
        md.AppendLine("Cost is unknown (never 0) when a model has no price in the price table. TTFT is the time to the first reasoning or answer text.");
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
