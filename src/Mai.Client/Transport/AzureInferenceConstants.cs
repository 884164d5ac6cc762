namespace Mai.Client.Transport;

/// <summary>Defaults and fixed wire values of the Azure AI Inference transport.</summary>
internal static class AzureInferenceConstants
{
    /// <summary>The api-version Azure.AI.Inference 1.0.0-beta.5 sends (its only ServiceVersion).</summary>
    public const string DefaultApiVersion = "2024-05-01-preview";

    /// <summary>Generous, because it also bounds each read between two stream chunks of a slow reasoning model.</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The provider name reported in <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/>.</summary>
    public const string ProviderName = "azure.ai.inference";

    /// <summary>Entra scope for Foundry (<c>*.services.ai.azure.com</c>) and Azure OpenAI resources.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>The scope the SDK hard-codes for token credentials (serverless endpoints).</summary>
    public const string MachineLearningScope = "https://ml.azure.com/.default";

    /// <summary>Azure.Core rejects a longer <c>DiagnosticsOptions.ApplicationId</c>.</summary>
    public const int MaxApplicationIdLength = 24;

    /// <summary>Error bodies larger than this are cut before parsing (they are never this large in practice).</summary>
    public const int MaxErrorBodyBytes = 1 << 20;
}
