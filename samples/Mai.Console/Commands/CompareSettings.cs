using System.ComponentModel;
using Mai.Console.Compare.Reports;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai compare</c>.</summary>
internal sealed class CompareSettings : ConnectionSettings
{
    public const string DefaultEmulatedModels = "MAI-Thinking-1,DeepSeek-R1,gpt-4o";

    [CommandOption("--models <LIST>")]
    [Description("Comma-separated models to compare (each may have its own endpoint: --model-endpoint / MAI_MODELS__NAME__ENDPOINT). Default on the emulator: " + DefaultEmulatedModels + ".")]
    public string? Models { get; init; }

    [CommandOption("--prompts <FILE>")]
    [Description("JSON Lines prompts: {\"prompt\": \"...\", \"expect\": {\"contains\"|\"regex\"|\"equals\"|\"json_schema\": ...}}. Default: 20 built-in prompts.")]
    public string? Prompts { get; init; }

    [CommandOption("--runs <N>")]
    [Description("Times each prompt is sent to each model (default 1).")]
    [DefaultValue(1)]
    public int Runs { get; init; } = 1;

    [CommandOption("--concurrency <N>")]
    [Description("Calls in flight at once, across models (default 4).")]
    [DefaultValue(4)]
    public int Concurrency { get; init; } = 4;

    [CommandOption("--out <FILE>")]
    [Description("Write the results to FILE: .md, .csv, .json or .html (self-contained, with charts). Repeatable.")]
    public string[] Out { get; init; } = [];

    [CommandOption("--json")]
    [Description("Print the whole report as one JSON object on stdout (the --out .json document) instead of the table.")]
    public bool Json { get; init; }

    [CommandOption("--judge <MODEL>")]
    [Description("Ask MODEL to score each answer 1–5 against a rubric; its mean is reported, its cost shown apart.")]
    public string? Judge { get; init; }

    public IReadOnlyList<string> ModelList => (Models ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

    public override ValidationResult Validate()
    {
        if (Runs is < 1 or > 1000)
        {
            return ValidationResult.Error($"--runs must be between 1 and 1000; it was {Runs}.");
        }

        if (Concurrency is < 1 or > 64)
        {
            return ValidationResult.Error($"--concurrency must be between 1 and 64; it was {Concurrency}.");
        }

        if (Models is not null && ModelList.Count == 0)
        {
            return ValidationResult.Error("--models must name at least one model.");
        }

        foreach (var path in Out)
        {
            if (!ReportWriter.IsSupported(path))
            {
                return ValidationResult.Error($"--out '{path}': use a .md, .csv, .json or .html file.");
            }
        }

        return base.Validate();
    }
}
