using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai ask</c> (also the default command).</summary>
internal sealed class AskSettings : ConnectionSettings
{
    [CommandArgument(0, "[prompt]")]
    [Description("The prompt to send; '-' reads it from stdin. Text piped on stdin comes first, then -f FILE, then this argument.")]
    public string? Prompt { get; init; }

    [CommandOption("--stdin")]
    [Description("Read the prompt from stdin even at a terminal (end it with Ctrl-D); the same as '-' for the prompt.")]
    public bool Stdin { get; init; }

    [CommandOption("-f|--file <FILE>")]
    [Description("Read the prompt (or the part of it before the argument) from FILE.")]
    public string? File { get; init; }

    [CommandOption("--system <TEXT>")]
    [Description("A system message sent before the prompt.")]
    public string? System { get; init; }

    [CommandOption("--temperature <T>")]
    [Description("Sampling temperature, 0 to 2 (default: the model's).")]
    public double? Temperature { get; init; }

    [CommandOption("--no-stream")]
    [Description("Wait for the whole answer instead of streaming it.")]
    public bool NoStream { get; init; }

    [CommandOption("--max-tokens <N>")]
    [Description("Maximum output tokens (reasoning included) for the answer. An answer cut by it exits with code 4.")]
    public int? MaxTokens { get; init; }

    [CommandOption("--json")]
    [Description("Print exactly one JSON object with the answer, reasoning, usage and timing on stdout.")]
    public bool Json { get; init; }

    [CommandOption("--show-reasoning")]
    [Description("Show the reasoning even when stdout is not a terminal (then on stderr). Default: shown on a terminal, hidden in a pipe.")]
    public bool ShowReasoning { get; init; }

    [CommandOption("--hide-reasoning")]
    [Description("Never show the reasoning.")]
    public bool HideReasoning { get; init; }

    public override ValidationResult Validate()
    {
        if (ShowReasoning && HideReasoning)
        {
            return ValidationResult.Error("--show-reasoning and --hide-reasoning cannot be used together.");
        }

        if (Temperature is < 0 or > 2)
        {
            return ValidationResult.Error($"--temperature must be between 0 and 2; it was {Temperature}.");
        }

        return MaxTokens is <= 0 ? ValidationResult.Error($"--max-tokens must be positive; it was {MaxTokens}.") : base.Validate();
    }
}
