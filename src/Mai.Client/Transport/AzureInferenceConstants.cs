namespace Mai.Client.Transport;

/// <summary>Fixed wire values of the Azure AI Inference transport (shared defaults: <see cref="TransportConstants"/>).</summary>
internal static class AzureInferenceConstants
{
    /// <summary>The api-version Azure.AI.Inference 1.0.0-beta.5 sends (its only ServiceVersion).</summary>
    public const string DefaultApiVersion = "2024-05-01-preview";

    /// <summary>The provider name reported in <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/>.</summary>
    public const string ProviderName = "azure.ai.inference";
}
