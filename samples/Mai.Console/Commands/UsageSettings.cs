using System.ComponentModel;
using System.Globalization;
using Mai.Console.Usage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai usage</c>.</summary>
internal sealed class UsageSettings : CommandSettings
{
    [CommandOption("--since <DATE>")]
    [Description("Only calls from DATE on: yyyy-MM-dd (local midnight), an ISO 8601 time, or Nd for the last N days. Default: everything.")]
    public string? Since { get; init; }

    [CommandOption("--by <GROUP>")]
    [Description("Group rows by model (default), day or month.")]
    [DefaultValue("model")]
    public string By { get; init; } = "model";

    [CommandOption("--db <PATH>")]
    [Description("Usage database (or MAI_USAGE_DB; default: <local app data>/mai/usage.db).")]
    public string? Database { get; init; }

    [CommandOption("--emulated")]
    [Description("Include calls served by the embedded emulator (left out by default: they cost nothing real).")]
    public bool IncludeEmulated { get; init; }

    [CommandOption("--json")]
    [Description("Print exactly one JSON object (rows, total, this month's spend and projection) on stdout.")]
    public bool Json { get; init; }

    public UsageGrouping Grouping => Enum.Parse<UsageGrouping>(By, ignoreCase: true);

    public override ValidationResult Validate()
    {
        if (!Enum.TryParse<UsageGrouping>(By, ignoreCase: true, out _) || int.TryParse(By, out _))
        {
            return ValidationResult.Error($"--by must be model, day or month; it was '{By}'.");
        }

        return Since is not null && ParseSince(Since, TimeProvider.System) is null
            ? ValidationResult.Error($"--since must be yyyy-MM-dd, an ISO 8601 time or Nd (days); it was '{Since}'.")
            : ValidationResult.Success();
    }

    /// <summary>Parses <c>--since</c> against the clock: a date is local midnight, <c>Nd</c> is N days before now.</summary>
    public static DateTimeOffset? ParseSince(string text, TimeProvider time)
    {
        text = text.Trim();
        if (text.Length > 1 && (text[^1] is 'd' or 'D') && int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            return time.GetUtcNow().AddDays(-days);
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var midnight = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
            return new DateTimeOffset(midnight, time.LocalTimeZone.GetUtcOffset(midnight));
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : null;
    }
}
