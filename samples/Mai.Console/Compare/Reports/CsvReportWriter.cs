using System.Globalization;
using System.Text;

namespace Mai.Console.Compare.Reports;

/// <summary>The comparison as CSV (RFC 4180): a header, then one row per model; unknown cost is the word <c>unknown</c>.</summary>
internal static class CsvReportWriter
{
    public const string Header = "model,emulated,calls,succeeded,checked,passed,pass_rate,ttft_p50_ms,ttft_p95_ms,latency_p50_ms,latency_p95_ms,output_tokens_per_s,input_tokens_mean,output_tokens_mean,reasoning_tokens_mean,input_tokens_total,output_tokens_total,reasoning_tokens_total,cost_per_call,cost_per_1000_calls,currency,errors,judge_mean,judge_cost";

    public static string Write(CompareReport report)
    {
        var csv = new StringBuilder();
        csv.Append(Header).Append("\r\n");
        foreach (var m in report.Models)
        {
            string[] cells =
            [
                m.Model,
                m.Emulated ? "true" : "false",
                Int(m.Calls),
                Int(m.Succeeded),
                Int(m.Checked),
                Int(m.Passed),
                ReportFormat.Inv(m.PassRate, "0.####"),
                ReportFormat.Inv(m.TtftP50Ms, "0.#"),
                ReportFormat.Inv(m.TtftP95Ms, "0.#"),
                ReportFormat.Inv(m.LatencyP50Ms, "0.#"),
                ReportFormat.Inv(m.LatencyP95Ms, "0.#"),
                ReportFormat.Inv(m.OutputTokensPerSecond, "0.#"),
                ReportFormat.Inv(m.MeanInputTokens, "0.##"),
                ReportFormat.Inv(m.MeanOutputTokens, "0.##"),
                ReportFormat.Inv(m.MeanReasoningTokens, "0.##"),
                m.TotalInputTokens.ToString(CultureInfo.InvariantCulture),
                m.TotalOutputTokens.ToString(CultureInfo.InvariantCulture),
                m.TotalReasoningTokens.ToString(CultureInfo.InvariantCulture),
                Money(m.CostPerCall),
                Money(m.CostPer1000Calls),
                m.Currency ?? string.Empty,
                string.Join("; ", m.Errors.Select(e => $"{e.Key}={e.Value}")),
                ReportFormat.Inv(m.JudgeMean, "0.##"),
                m.JudgeAsked == 0 ? string.Empty : Money(m.JudgeCost),
            ];
            csv.AppendJoin(',', cells.Select(Quote)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal? value) => value is { } v ? v.ToString("0.##########", CultureInfo.InvariantCulture) : "unknown";

    private static string Quote(string cell) =>
        cell.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
