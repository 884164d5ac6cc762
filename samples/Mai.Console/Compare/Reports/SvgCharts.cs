using System.Globalization;
using System.Net;
using System.Text;

namespace Mai.Console.Compare.Reports;

/// <summary>Self-contained inline SVG charts (no scripts, no external references) for the HTML report.</summary>
internal static class SvgCharts
{
    private const int Width = 760;
    private const int Left = 210;
    private const int Right = 30;
    private const int Top = 16;
    private const int RowHeight = 36;
    private const int AxisHeight = 34;

    public static readonly string[] Palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#9c755f"];

    /// <summary>One row per model: every value as a dot, the interquartile box, the median as a bar and p95 as a dashed tick.</summary>
    public static string Distribution(string title, IReadOnlyList<(string Label, IReadOnlyList<double> Values)> rows, string unit)
    {
        var max = NiceCeiling(rows.SelectMany(r => r.Values).DefaultIfEmpty(0).Max());
        var height = Top + (rows.Count * RowHeight) + AxisHeight;
        var svg = Start(title, height);
        Axis(svg, max, height, unit);
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, values) = rows[i];
            var y = Top + (i * RowHeight);
            var mid = y + (RowHeight / 2.0);
            var color = Palette[i % Palette.Length];
            Label(svg, label, mid);
            if (values.Count == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{F(mid + 4)}\" class=\"note\">no successful calls</text>");
                continue;
            }

            var q1 = Percentiles.Of(values, 0.25)!.Value;
            var q3 = Percentiles.Of(values, 0.75)!.Value;
            var p50 = Percentiles.Of(values, 0.50)!.Value;
            var p95 = Percentiles.Of(values, 0.95)!.Value;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(X(q1, max))}\" y=\"{F(y + 8)}\" width=\"{F(Math.Max(1, X(q3, max) - X(q1, max)))}\" height=\"{RowHeight - 16}\" fill=\"{color}\" fill-opacity=\"0.18\" stroke=\"{color}\"/>");
            for (var j = 0; j < values.Count; j++)
            {
                // Deterministic jitter so identical values stay visible.
                var jitter = ((j * 7919 % 13) - 6) * 1.1;
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(values[j], max))}\" cy=\"{F(mid + jitter)}\" r=\"2.6\" fill=\"{color}\" fill-opacity=\"0.55\"/>");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(p50, max))}\" x2=\"{F(X(p50, max))}\" y1=\"{F(y + 5)}\" y2=\"{F(y + RowHeight - 5)}\" stroke=\"#222\" stroke-width=\"2.5\"><title>p50 {F(p50)} {unit}</title></line>");
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(p95, max))}\" x2=\"{F(X(p95, max))}\" y1=\"{F(y + 5)}\" y2=\"{F(y + RowHeight - 5)}\" stroke=\"#222\" stroke-width=\"1.5\" stroke-dasharray=\"3 2\"><title>p95 {F(p95)} {unit}</title></line>");
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>One horizontal bar per model; a row without a value says why in text instead of drawing a zero.</summary>
    public static string Bars(string title, IReadOnlyList<(string Label, double? Value, string Text)> rows, string unit)
    {
        var max = NiceCeiling(rows.Select(r => r.Value ?? 0).DefaultIfEmpty(0).Max());
        var height = Top + (rows.Count * RowHeight) + AxisHeight;
        var svg = Start(title, height);
        Axis(svg, max, height, unit);
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, value, text) = rows[i];
            var y = Top + (i * RowHeight);
            var mid = y + (RowHeight / 2.0);
            Label(svg, label, mid);
            if (value is { } v)
            {
                var w = Math.Max(1, X(v, max) - Left);
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Left}\" y=\"{F(y + 8)}\" width=\"{F(w)}\" height=\"{RowHeight - 16}\" fill=\"{Palette[i % Palette.Length]}\"/>");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + w + 6)}\" y=\"{F(mid + 4)}\" class=\"value\">{Encode(text)}</text>");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + 4}\" y=\"{F(mid + 4)}\" class=\"note\">{Encode(text)}</text>");
            }
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>The smallest 1, 2 or 5 × 10^k at or above <paramref name="value"/> (1 for nothing), so the axis ends on a round number.</summary>
    internal static double NiceCeiling(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in (double[])[1, 2, 5, 10])
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static StringBuilder Start(string title, int height) =>
        new StringBuilder().Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-label=\"{Encode(title)}\"><title>{Encode(title)}</title>");

    private static void Label(StringBuilder svg, string label, double mid) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 10}\" y=\"{F(mid + 4)}\" text-anchor=\"end\" class=\"label\">{Encode(label)}</text>");

    private static void Axis(StringBuilder svg, double max, int height, string unit)
    {
        var y = height - AxisHeight + 4;
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{y}\" y2=\"{y}\" stroke=\"#888\"/>");
        for (var i = 0; i <= 5; i++)
        {
            var value = max * i / 5;
            var x = X(value, max);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" x2=\"{F(x)}\" y1=\"{Top}\" y2=\"{y + 4}\" stroke=\"#ddd\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{y + 17}\" text-anchor=\"middle\" class=\"tick\">{Encode(Tick(value))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right}\" y=\"{y + 30}\" text-anchor=\"end\" class=\"tick\">{Encode(unit)}</text>");
    }

    private static double X(double value, double max) => Left + ((Width - Left - Right) * Math.Clamp(value / max, 0, 1));

    private static string Tick(double value) => value.ToString(value >= 10 ? "0" : value >= 1 ? "0.#" : "0.####", CultureInfo.InvariantCulture);

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
