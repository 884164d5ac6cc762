using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai ask</c> (also the default command).</summary>
internal sealed class AskSettings : ConnectionSettings
{
    [CommandArgument(0, "<prompt>")]
    [Description("The prompt to send.")]
    public string Prompt { get; init; } = string.Empty;

    [CommandOption("--no-stream")]
    [Description("Wait for the whole answer instead of streaming it.")]
    public bool NoStream { get; init; }

    [CommandOption("--max-tokens <N>")]
    [Description("Maximum output tokens (reasoning included) for the answer.")]
    public int? MaxTokens { get; init; }

    [CommandOption("--json")]
    [Description("Print exactly one JSON object with the answer, reasoning, usage and timing on stdout.")]
    public bool Json { get; init; }

    public override ValidationResult Validate()
    {
        if (string.IsNullOrWhiteSpace(Prompt))
        {
            return ValidationResult.Error("The prompt must not be empty.");
        }

        return MaxTokens is <= 0 ? ValidationResult.Error($"--max-tokens must be positive; it was {MaxTokens}.") : base.Validate();
    }
}
