using Mai.Client;
using Microsoft.Extensions.AI;

namespace Mai.Console.Infrastructure;

/// <summary>The <c>--transport</c> names and where each transport finds the emulator.</summary>
internal static class ClientFactoryTransports
{
    public static MaiTransport? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "azure-inference" or "azureinference" or "azure" => MaiTransport.AzureInference,
        "openai-v1" or "openaiv1" or "openai" => MaiTransport.OpenAIV1,
        "anthropic" or "anthropic-messages" or "messages" => MaiTransport.AnthropicMessages,
        _ => null,
    };

    /// <summary>The emulator serves the OpenAI v1 routes under <c>/openai/v1</c>; Foundry hosts are mapped there by the transport itself.
    /// Claude models (<c>claude-*</c>) are served on the Messages API under <c>/anthropic</c>, as on Foundry.</summary>
    public static Uri EmulatorEndpoint(Uri emulator, MaiTransport transport, string? model = null) =>
        IsClaude(model) || transport == MaiTransport.AnthropicMessages ? new Uri(emulator, "/anthropic")
        : transport == MaiTransport.OpenAIV1 ? new Uri(emulator, "/openai/v1")
        : emulator;

    /// <summary>One Foundry resource serves chat completions under <c>/models</c> (or <c>/openai/v1</c>) and Claude under <c>/anthropic</c>:
    /// a Claude model given the resource's shared endpoint is sent to the resource's <c>/anthropic</c>.</summary>
    public static Uri RemoteEndpoint(Uri endpoint, string? model) =>
        IsClaude(model) && endpoint.Host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase)
            && !endpoint.AbsolutePath.Contains("/anthropic", StringComparison.OrdinalIgnoreCase)
            ? new Uri(endpoint, "/anthropic")
            : endpoint;

    /// <summary>Claude thinks only when asked: the console asks for low-effort thinking so its reasoning is shown like the other models'.</summary>
    public static ReasoningOptions? ThinkingFor(string? model) => IsClaude(model) ? new ReasoningOptions { Effort = ReasoningEffort.Low } : null;

    private static bool IsClaude(string? model) => model?.StartsWith("claude-", StringComparison.OrdinalIgnoreCase) == true;
}
