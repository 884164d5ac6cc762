using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

using Mai.Console.Infrastructure;

namespace Mai.Console.Commands;

/// <summary>The flags every command that calls a model shares: where to send calls and how.</summary>
internal class ConnectionSettings : CommandSettings
{
    [CommandOption("--endpoint <URL>")]
    [Description("Endpoint URL (or AZURE_AI_CHAT_ENDPOINT). Without one, the embedded emulator is used.")]
    public string? Endpoint { get; init; }

    [CommandOption("--key <KEY>")]
    [Description("API key (or AZURE_AI_CHAT_KEY). Without one, Entra ID (DefaultAzureCredential) is used.")]
    public string? Key { get; init; }

    [CommandOption("-m|--model <NAME>")]
    [Description("Model or deployment name (or AZURE_AI_CHAT_MODEL).")]
    public string? Model { get; init; }

    [CommandOption("--model-endpoint <NAME=URL>")]
    [Description("Send calls for model NAME to URL (or MAI_MODELS__NAME__ENDPOINT). Repeatable. Other models use --endpoint.")]
    public string[] ModelEndpoints { get; init; } = [];

    [CommandOption("--model-key <NAME=KEY>")]
    [Description("API key for model NAME (or MAI_MODELS__NAME__KEY). Repeatable. A model with its own endpoint and no key of its own uses Entra ID.")]
    public string[] ModelKeys { get; init; } = [];

    [CommandOption("--db <PATH>")]
    [Description("Usage database every call is recorded in (or MAI_USAGE_DB; default: <local app data>/mai/usage.db). 'none' records nothing.")]
    public string? Database { get; init; }

    [CommandOption("--max-retries <N>")]
    [Description("Retries after the first attempt, across deployments (default 3).")]
    public int? MaxRetries { get; init; }

    [CommandOption("--timeout <SECONDS>")]
    [Description("One deadline for the whole call, retries and failovers included (default 600).")]
    public double? TimeoutSeconds { get; init; }

    [CommandOption("--fallback <SPEC>")]
    [Description("An extra deployment tried when the primary fails or throttles: endpoint=URL,model=NAME[[,key=KEY]][[,name=NAME]]. Repeatable.")]
    public string[] Fallbacks { get; init; } = [];

    [CommandOption("--budget-tokens <N>")]
    [Description("Refuse the call before sending if its reserved tokens (prompt estimate + max output) exceed N.")]
    public long? BudgetTokens { get; init; }

    [CommandOption("--budget-cost <AMOUNT>")]
    [Description("Refuse the call before sending if its reserved cost exceeds AMOUNT (in the price table's currency).")]
    public decimal? BudgetCost { get; init; }

    [CommandOption("--transport <NAME>")]
    [Description("azure-inference (default) or openai-v1 (the OpenAI SDK against /openai/v1).")]
    public string? Transport { get; init; }

    [CommandOption("--api-version <VERSION>")]
    [Description("REST api-version to send (default: the transport's).")]
    public string? ApiVersion { get; init; }

    public override ValidationResult Validate()
    {
        if (MaxRetries is < 0 or > 100)
        {
            return ValidationResult.Error($"--max-retries must be between 0 and 100; it was {MaxRetries}.");
        }

        if (Transport is not null && ClientFactoryTransports.Parse(Transport) is null)
        {
            return ValidationResult.Error($"--transport must be azure-inference or openai-v1; it was '{Transport}'.");
        }

        if (TimeoutSeconds is <= 0)
        {
            return ValidationResult.Error($"--timeout must be positive; it was {TimeoutSeconds}.");
        }

        if (BudgetTokens is <= 0 || BudgetCost is <= 0)
        {
            return ValidationResult.Error("--budget-tokens and --budget-cost must be positive.");
        }

        return ValidationResult.Success();
    }
}
