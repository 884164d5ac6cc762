using System.ComponentModel;
using Spectre.Console.Cli;

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

    [CommandOption("--model <NAME>")]
    [Description("Model or deployment name (or AZURE_AI_CHAT_MODEL).")]
    public string? Model { get; init; }

    [CommandOption("--api-version <VERSION>")]
    [Description("REST api-version to send (default: the transport's).")]
    public string? ApiVersion { get; init; }
}
