using System.Globalization;
using System.Net;
using System.Text;

namespace Mai.Console.Compare.Reports;

/// <summary>The comparison as one self-contained HTML page: inline CSS and inline SVG charts, no scripts, no external references.</summary>
internal static class HtmlReportWriter
{
    private const string Style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1180px;color:#1d1d1f;padding:0 16px}
        h1{font-size:22px;margin-bottom:4px}h2{font-size:16px;margin:28px 0 8px}
        p.meta{color:#555;margin-top:0}p.note{color:#555;font-size:13px}
        table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid #e3e3e3;padding:6px 8px;text-align:right}th{white-space:normal;vertical-align:bottom}td{white-space:nowrap}.wide{overflow-x:auto}
        th:first-child,td:first-child,td.text{text-align:left}th{background:#f6f6f7;font-weight:600}
        .emulated{color:#8a5a00;font-size:12px}
        svg.chart{display:block;max-width:100%;height:auto;background:#fff}
        svg .label{font-size:12px;fill:#222}svg .tick{font-size:11px;fill:#666}svg .value{font-size:11px;fill:#222}svg .note{font-size:12px;fill:#8a5a00}
        """;

    public static string Write(CompareReport report)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        html.AppendLine("<title>mai compare</title>");
        html.Append("<style>").Append(Style).AppendLine("</style></head><body>");
        html.AppendLine("<h1>mai compare</h1>");
        html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"meta\">{report.Prompts} prompts ({E(report.PromptSource)}) × {report.Runs} run(s) per model, {report.Concurrency} at a time, streamed; {report.Elapsed.TotalSeconds:0.0} s; {report.GeneratedAt:yyyy-MM-dd HH:mm} UTC.</p>");
        if (report.AnyEmulated)
        {
            html.AppendLine("<p class=\"note\">Models marked <span class=\"emulated\">(emulated)</span> were served by the embedded Mai emulator: their latency, text and pass rates are synthetic.</p>");
        }

        if (report.Incomplete)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\"><strong>Incomplete:</strong> stopped after {report.Calls.Count} of {report.PlannedCalls} calls; the figures cover the calls that finished.</p>");
        }

        html.AppendLine("<h2>Summary</h2>");
        html.AppendLine("<div class=\"wide\"><table><thead><tr><th>model</th><th>ok</th><th>pass rate</th><th>TTFT p50 / p95 (ms)</th><th>latency p50 / p95 (ms)</th><th>output tok/s</th><th>tokens in / out / reasoning (mean)</th><th>cost per call</th><th>cost per 1,000 calls</th><th>errors</th><th>judge (1–5)</th></tr></thead><tbody>");
        foreach (var m in report.Models)
        {
            html.Append("<tr><td>").Append(E(m.Model)).Append(m.Emulated ? " <span class=\"emulated\">(emulated)</span>" : string.Empty).Append("</td>");
            Cells(html, $"{m.Succeeded}/{m.Calls}", ReportFormat.Passes(m), ReportFormat.Pair(m.TtftP50Ms, m.TtftP95Ms), ReportFormat.Pair(m.LatencyP50Ms, m.LatencyP95Ms), ReportFormat.Rate(m.OutputTokensPerSecond),
                $"{ReportFormat.Tokens(m.MeanInputTokens)} / {ReportFormat.Tokens(m.MeanOutputTokens)} / {ReportFormat.Tokens(m.MeanReasoningTokens)}",
                ReportFormat.Money(m.CostPerCall, m.Currency), ReportFormat.Money(m.CostPer1000Calls, m.Currency));
            html.Append("<td class=\"text\">").Append(E(ReportFormat.Errors(m.Errors))).Append("</td>");
            Cells(html, ReportFormat.Judge(m));
            html.AppendLine("</tr>");
        }

        html.AppendLine("</tbody></table></div>");
        if (report.JudgeModel is { } judge)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">Judge: {E(judge)}{(report.JudgeEmulated ? " (emulated)" : string.Empty)}, scoring each answer 1–5 against a fixed rubric; judging cost {E(ReportFormat.Money(report.JudgeCost, report.Models.Select(m => m.Currency).FirstOrDefault(c => c is not null)))} in total, not included in the models' cost.</p>");
        }

        html.AppendLine("<h2>Total latency per call</h2>");
        html.AppendLine(SvgCharts.Distribution("Total latency per call (ms)", [.. report.Models.Select(m => (m.DisplayName, m.LatenciesMs))], "ms"));
        html.AppendLine("<h2>Time to first token</h2>");
        html.AppendLine(SvgCharts.Distribution("Time to first token (ms)", [.. report.Models.Select(m => (m.DisplayName, m.TtftsMs))], "ms"));
        html.AppendLine("<p class=\"note\">Each dot is one call; the box spans p25–p75, the solid bar is p50 and the dashed bar p95.</p>");
        html.AppendLine("<h2>Cost per 1,000 calls</h2>");
        var currency = report.Models.Select(m => m.Currency).FirstOrDefault(c => c is not null) ?? "USD";
        html.AppendLine(SvgCharts.Bars(
            "Cost per 1,000 calls",
            [.. report.Models.Select(m => (m.DisplayName, m.CostPer1000Calls is { } c ? (double?)(double)c : null, m.CostPer1000Calls is null ? "unknown (no price for this model)" : ReportFormat.Money(m.CostPer1000Calls, m.Currency)))],
            currency));
        html.AppendLine("<p class=\"note\">Cost is unknown (never 0) when a model has no price in the price table.</p>");
        Answers(html, report);
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>One section per prompt: its text and check, then each model's answer side by side with pass or fail.</summary>
    private static void Answers(StringBuilder html, CompareReport report)
    {
        if (report.PromptCases.Count == 0)
        {
            return;
        }

        html.AppendLine("<h2>Prompts and answers</h2>");
        foreach (var prompt in report.PromptCases)
        {
            html.AppendLine(CultureInfo.InvariantCulture, $"<section class=\"prompt\" id=\"prompt-{prompt.Number}\"><h3>Prompt {prompt.Number}</h3><p>{E(prompt.Prompt)}</p>");
            html.AppendLine(CultureInfo.InvariantCulture, $"<p class=\"note\">check: {E(prompt.Expect?.ToString() ?? "none (latency and cost only)")}</p>");
            html.Append("<div class=\"wide\"><table><thead><tr>");
            foreach (var m in report.Models)
            {
                html.Append("<th>").Append(E(m.DisplayName)).Append("</th>");
            }

            html.AppendLine("</tr></thead><tbody><tr>");
            foreach (var m in report.Models)
            {
                var call = report.Calls.Where(c => c.Model == m.Model && c.Prompt == prompt.Number).OrderBy(c => c.Run).FirstOrDefault();
                var verdict = call switch
                {
                    null => "not run",
                    { Succeeded: false } => "error: " + call.Error,
                    { Passed: true } => "passed",
                    { Passed: false } => "failed",
                    _ => "no check",
                };
                html.Append("<td class=\"text answer\" style=\"white-space:normal;vertical-align:top\"><p><strong>").Append(E(verdict)).Append("</strong></p><p>")
                    .Append(E(call?.Answer ?? string.Empty)).AppendLine("</p></td>");
            }

            html.AppendLine("</tr></tbody></table></div></section>");
        }
    }

    private static void Cells(StringBuilder html, params string[] cells)
    {
        foreach (var cell in cells)
        {
            html.Append("<td>").Append(E(cell)).Append("</td>");
        }
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
