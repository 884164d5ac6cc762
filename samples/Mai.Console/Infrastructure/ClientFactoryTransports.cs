using Mai.Client;

namespace Mai.Console.Infrastructure;

/// <summary>The <c>--transport</c> names and where each transport finds the emulator.</summary>
internal static class ClientFactoryTransports
{
    public static MaiTransport? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "azure-inference" or "azureinference" or "azure" => MaiTransport.AzureInference,
        "openai-v1" or "openaiv1" or "openai" => MaiTransport.OpenAIv1,
        _ => null,
    };

    /// <summary>The emulator serves the OpenAI v1 routes under <c>/openai/v1</c>; Foundry hosts are mapped there by the transport itself.</summary>
    public static Uri EmulatorEndpoint(Uri emulator, MaiTransport transport) =>
        transport == MaiTransport.OpenAIv1 ? new Uri(emulator, "/openai/v1") : emulator;
}
