namespace Mai.Console.Compare.Reports;

/// <summary>Writes a report in the format its file extension names: .md, .csv, .json or .html.</summary>
internal static class ReportWriter
{
    public static readonly string[] Extensions = [".md", ".csv", ".json", ".html", ".htm"];

    public static bool IsSupported(string path) => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    public static string Render(CompareReport report, string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".md" or ".markdown" => MarkdownReportWriter.Write(report),
        ".csv" => CsvReportWriter.Write(report),
        ".json" => JsonReportWriter.Write(report),
        ".html" or ".htm" => HtmlReportWriter.Write(report),
        var other => throw new ArgumentException($"--out: unknown report format '{other}'; use .md, .csv, .json or .html."),
    };

    public static void Write(CompareReport report, string path)
    {
        var content = Render(report, path);
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, content);
    }
}
