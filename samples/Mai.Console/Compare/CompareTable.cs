using Mai.Console.Compare.Reports;
using Spectre.Console;

namespace Mai.Console.Compare;

/// <summary>The comparison as a console table, one row per model.</summary>
internal static class CompareTable
{
    /// <summary>The width below which the wide table gives way to one block per model (the wide table needs about 170 columns).</summary>
    public const int WideTableWidth = 170;

    /// <summary>The table for <paramref name="width"/> columns: the wide table, or one block of "metric value" lines per model.</summary>
    public static Spectre.Console.Rendering.IRenderable Build(CompareReport report, int width) =>
        width >= WideTableWidth ? Build(report) : Narrow(report);

    private static Rows Narrow(CompareReport report)
    {
        var blocks = new List<Spectre.Console.Rendering.IRenderable>();
        foreach (var m in report.Models)
        {
            var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadLeft(2).PadRight(2)).AddColumn();
            foreach (var (name, value) in (ReadOnlySpan<(string, string)>)[
                ("ok", $"{m.Succeeded}/{m.Calls}"),
                ("pass", ReportFormat.Passes(m)),
                ("TTFT p50/p95", ReportFormat.Pair(m.TtftP50Ms, m.TtftP95Ms) + " ms"),
                ("latency p50/p95", ReportFormat.Pair(m.LatencyP50Ms, m.LatencyP95Ms) + " ms"),
                ("out tok/s", ReportFormat.Rate(m.OutputTokensPerSecond)),
                ("tokens in/out/reas.", $"{ReportFormat.Tokens(m.MeanInputTokens)}/{ReportFormat.Tokens(m.MeanOutputTokens)}/{ReportFormat.Tokens(m.MeanReasoningTokens)}"),
                ("cost/call", ReportFormat.Money(m.CostPerCall, m.Currency)),
                ("cost/1k calls", ReportFormat.Money(m.CostPer1000Calls, m.Currency)),
                ("errors", ReportFormat.Errors(m.Errors)),
                ("judge", ReportFormat.Judge(m))])
            {
                grid.AddRow(new Text(name), new Text(value));
            }

            blocks.Add(new Text(m.DisplayName, new Style(decoration: Decoration.Bold)));
            blocks.Add(grid);
        }

        return new Rows(blocks);
    }

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
