namespace Mai.Client.Transport;

/// <summary>Settings of an <see cref="AzureInferenceChatClient"/>: api-version, timeouts, default model, auth scope and HTTP transport.</summary>
/// <remarks>
/// The client validates the options when it is constructed and keeps a copy, so editing this instance afterwards
/// changes nothing. The type is not thread-safe while it is being edited.
/// </remarks>
public sealed class AzureInferenceChatClientOptions
{
    /// <summary>Gets or sets the <c>api-version</c> query value sent on every request; <see langword="null"/> sends none (for <c>/openai/v1</c> routes).</summary>
    /// <value>The default is <c>"2024-05-01-preview"</c>, the only version Azure.AI.Inference 1.0.0-beta.5 knows. Newer Azure OpenAI models and
    /// <c>reasoning_content</c> on Foundry need newer ones (for example <c>"2025-04-01"</c>).</value>
    public string? ApiVersion { get; set; } = AzureInferenceConstants.DefaultApiVersion;

    /// <summary>Gets or sets how long one HTTP attempt may wait for the response headers, and for each read between two stream chunks.</summary>
    /// <value>The default is 10 minutes, because reasoning models can think silently for minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan NetworkTimeout { get; set; } = TransportConstants.DefaultNetworkTimeout;

    /// <summary>Gets or sets the model (deployment) sent as <c>model</c> when <c>ChatOptions.ModelId</c> is <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>: no <c>model</c> field (serverless endpoints serve a single model).</value>
    public string? DefaultModelId { get; set; }

    /// <summary>Gets or sets a value indicating whether streaming requests ask for usage with <c>stream_options: {"include_usage": true}</c>.</summary>
    /// <value>The default is <see langword="true"/>. An endpoint that rejects the field is called once more without it, and is then never asked again.</value>
    public bool IncludeStreamUsage { get; set; } = true;

    /// <summary>Gets or sets the Entra ID scope requested for a <see cref="Azure.Core.TokenCredential"/>, overriding the choice made from the endpoint's host.</summary>
    /// <value>The default is <see langword="null"/>: <c>https://cognitiveservices.azure.com/.default</c> for <c>*.services.ai.azure.com</c>,
    /// <c>*.openai.azure.com</c> and <c>*.cognitiveservices.azure.com</c>; the SDK's <c>https://ml.azure.com/.default</c> otherwise.</value>
    public string? TokenScope { get; set; }

    /// <summary>Gets or sets a prefix for the <c>User-Agent</c> header (Azure.Core's <c>DiagnosticsOptions.ApplicationId</c>), at most 24 characters.</summary>
    /// <value>The default is <see langword="null"/>: the SDK's user agent alone.</value>
    public string? ApplicationId { get; set; }

    /// <summary>Gets or sets the <see cref="System.Net.Http.HttpClient"/> that carries the requests (for example one from <c>IHttpClientFactory</c>).</summary>
    /// <value>The default is <see langword="null"/>: Azure.Core's shared transport. The client does not dispose it. Give it an infinite
    /// <see cref="System.Net.Http.HttpClient.Timeout"/>: <see cref="NetworkTimeout"/> is the timeout that should apply.</value>
    public HttpClient? HttpClient { get; set; }

    internal AzureInferenceChatClientOptions CloneAndValidate()
    {
        TransportOptionsValidator.Validate(nameof(AzureInferenceChatClientOptions), ApiVersion, NetworkTimeout, DefaultModelId, TokenScope, ApplicationId, TransportConstants.MaxApplicationIdLength);

        return new AzureInferenceChatClientOptions
        {
            ApiVersion = ApiVersion,
            NetworkTimeout = NetworkTimeout,
            DefaultModelId = DefaultModelId,
            IncludeStreamUsage = IncludeStreamUsage,
            TokenScope = TokenScope,
            ApplicationId = ApplicationId,
            HttpClient = HttpClient,
        };
    }
}
