using Mai.Console.Compare.Reports;
using Spectre.Console;

namespace Mai.Console.Compare;

/// <summary>The comparison as a console table, one row per model.</summary>
internal static class CompareTable
{
    public static Table Build(CompareReport report)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("model");
        foreach (var column in (string[])["ok", "pass", "TTFT p50/p95 ms", "latency p50/p95 ms", "out tok/s", "tokens in/out/reas.", "cost/call", "cost/1k calls", "errors", "judge"])
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var m in report.Models)
        {
            table.AddRow(
                Markup.Escape(m.DisplayName),
                $"{m.Succeeded}/{m.Calls}",
                Markup.Escape(ReportFormat.Passes(m)),
                ReportFormat.Pair(m.TtftP50Ms, m.TtftP95Ms),
                ReportFormat.Pair(m.LatencyP50Ms, m.LatencyP95Ms),
                ReportFormat.Rate(m.OutputTokensPerSecond),
                $"{ReportFormat.Tokens(m.MeanInputTokens)}/{ReportFormat.Tokens(m.MeanOutputTokens)}/{ReportFormat.Tokens(m.MeanReasoningTokens)}",
                Markup.Escape(ReportFormat.Money(m.CostPerCall, m.Currency)),
                Markup.Escape(ReportFormat.Money(m.CostPer1000Calls, m.Currency)),
                Markup.Escape(ReportFormat.Errors(m.Errors)),
                Markup.Escape(ReportFormat.Judge(m)));
        }

        return table;
    }
}
