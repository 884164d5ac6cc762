using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>Flags of <c>mai chat</c>.</summary>
internal sealed class ChatSettings : ConnectionSettings
{
    [CommandOption("--system <TEXT>")]
    [Description("A system message kept at the start of the conversation (never trimmed).")]
    public string? System { get; init; }

    [CommandOption("--temperature <T>")]
    [Description("Sampling temperature, 0 to 2 (default: the model's).")]
    public double? Temperature { get; init; }

    [CommandOption("--context-window <TOKENS>")]
    [Description("The model's context window in tokens (default: the emulated model's, else 128000). Older turns are dropped to fit.")]
    public int? ContextWindow { get; init; }

    [CommandOption("--max-tokens <N>")]
    [Description("Maximum output tokens per answer; also the room kept free for it (default: a quarter of the window, at most 4096).")]
    public int? MaxTokens { get; init; }

    public override ValidationResult Validate()
    {
        if (ContextWindow is <= 0 || MaxTokens is <= 0)
        {
            return ValidationResult.Error("--context-window and --max-tokens must be positive.");
        }

        if (Temperature is < 0 or > 2)
        {
            return ValidationResult.Error($"--temperature must be between 0 and 2; it was {Temperature}.");
        }

        if (ContextWindow is { } window && MaxTokens is { } max && max >= window)
        {
            return ValidationResult.Error($"--max-tokens ({max}) must be less than --context-window ({window}): the prompt needs room too.");
        }

        return base.Validate();
    }
}
