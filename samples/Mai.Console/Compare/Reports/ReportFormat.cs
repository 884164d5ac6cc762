using System.Globalization;

namespace Mai.Console.Compare.Reports;

/// <summary>Formatting shared by the table and every report: milliseconds, rates, money ("unknown" when null), errors.</summary>
internal static class ReportFormat
{
    public static string Ms(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "–";

    public static string Pair(double? p50, double? p95) => p50 is null ? "–" : $"{Ms(p50)} / {Ms(p95)}";

    public static string Rate(double? value) => value is { } v ? v.ToString("0", CultureInfo.InvariantCulture) : "–";

    public static string Percent(double? value) => value is { } v ? (v * 100).ToString("0", CultureInfo.InvariantCulture) + " %" : "–";

    public static string Tokens(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    public static string Money(decimal? value, string? currency) =>
        value is { } v ? v.ToString(v != 0 && Math.Abs(v) < 0.01m ? "0.000000" : "0.0000", CultureInfo.InvariantCulture) + (currency is null ? string.Empty : " " + currency) : "unknown";

    public static string Errors(IReadOnlyDictionary<string, int> errors) =>
        errors.Count == 0 ? "none" : string.Join(", ", errors.Select(e => $"{e.Key} ×{e.Value}"));

    public static string Judge(ModelSummary model) =>
        model.JudgeAsked == 0 ? "–" : model.JudgeMean is { } mean ? mean.ToString("0.00", CultureInfo.InvariantCulture) + $" ({model.JudgeScored}/{model.JudgeAsked})" : $"no scores (0/{model.JudgeAsked})";

    public static string Passes(ModelSummary model) => model.Checked == 0 ? "–" : $"{Percent(model.PassRate)} ({model.Passed}/{model.Checked})";

    public static string Inv(double? value, string format = "0.###") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : string.Empty;
}
