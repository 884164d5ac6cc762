namespace Mai.Client.Transport;

/// <summary>Fixed wire values of the OpenAI v1 transport (shared defaults: <see cref="TransportConstants"/>).</summary>
internal static class OpenAIV1Constants
{
    /// <summary>The base path of the OpenAI v1 API on Foundry and Azure OpenAI resources.</summary>
    public const string V1Path = "/openai/v1";

    /// <summary>The OpenTelemetry GenAI provider name for Azure-hosted OpenAI v1 endpoints.</summary>
    public const string AzureProviderName = "azure.ai.openai";

    /// <summary>The OpenTelemetry GenAI provider name for any other OpenAI-compatible endpoint.</summary>
    public const string OpenAIProviderName = "openai";

    /// <summary>Azure's key header; the key is also sent as <c>Authorization: Bearer</c>, the OpenAI SDK's way.</summary>
    public const string ApiKeyHeader = "api-key";
}
