namespace Mai.Client.Transport;

/// <summary>Defaults and fixed wire values of the OpenAI v1 transport.</summary>
internal static class OpenAIV1Constants
{
    /// <summary>The base path of the OpenAI v1 API on Foundry and Azure OpenAI resources.</summary>
    public const string V1Path = "/openai/v1";

    /// <summary>Generous, because it also bounds each read between two stream chunks of a slow reasoning model.</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The OpenTelemetry GenAI provider name for Azure-hosted OpenAI v1 endpoints.</summary>
    public const string AzureProviderName = "azure.ai.openai";

    /// <summary>The OpenTelemetry GenAI provider name for any other OpenAI-compatible endpoint.</summary>
    public const string OpenAIProviderName = "openai";

    /// <summary>Entra scope of Foundry and Azure OpenAI resources, the only audience their <c>/openai/v1</c> routes accept.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>Azure's key header; the key is also sent as <c>Authorization: Bearer</c>, the OpenAI SDK's way.</summary>
    public const string ApiKeyHeader = "api-key";

    /// <summary>Kept equal to the Azure transport's limit, so one <c>ApplicationId</c> setting suits both transports.</summary>
    public const int MaxApplicationIdLength = 24;
}
