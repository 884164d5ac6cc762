namespace Mai.Client.Transport;

/// <summary>Settings of an <see cref="OpenAIV1ChatClient"/>: api-version, timeouts, default model, auth scope and HTTP transport.</summary>
/// <remarks>
/// The client validates the options when it is constructed and keeps a copy, so editing this instance afterwards
/// changes nothing. The type is not thread-safe while it is being edited.
/// </remarks>
public sealed class OpenAIV1ChatClientOptions
{
    /// <summary>Gets or sets the <c>api-version</c> query value sent on every request; <see langword="null"/> sends none.</summary>
    /// <value>The default is <see langword="null"/>: the <c>/openai/v1</c> routes are versionless (<c>preview</c> opts into preview features).</value>
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets how long one HTTP attempt may wait for the response headers, and for each read between two stream chunks.</summary>
    /// <value>The default is 10 minutes, because reasoning models can think silently for minutes. <see cref="Timeout.InfiniteTimeSpan"/> disables it.</value>
    public TimeSpan NetworkTimeout { get; set; } = TransportConstants.DefaultNetworkTimeout;

    /// <summary>Gets or sets the model (deployment) sent as <c>model</c> when <c>ChatOptions.ModelId</c> is <see langword="null"/>.</summary>
    /// <value>The default is <see langword="null"/>: the deployment named in an <c>/openai/deployments/{name}</c> endpoint, else no <c>model</c> field.</value>
    public string? DefaultModelId { get; set; }

    /// <summary>Gets or sets a value indicating whether streaming requests ask for usage with <c>stream_options: {"include_usage": true}</c>.</summary>
    /// <value>The default is <see langword="true"/>. An endpoint that rejects the field is called once more without it, and is then never asked again.</value>
    public bool IncludeStreamUsage { get; set; } = true;

    /// <summary>Gets or sets the Entra ID scope requested for a <see cref="Azure.Core.TokenCredential"/>.</summary>
    /// <value>The default is <see langword="null"/>: <c>https://cognitiveservices.azure.com/.default</c>, the audience of Foundry and Azure OpenAI.</value>
    public string? TokenScope { get; set; }

    /// <summary>Gets or sets a prefix for the <c>User-Agent</c> header (the OpenAI SDK's <c>UserAgentApplicationId</c>), at most 24 characters.</summary>
    /// <value>The default is <see langword="null"/>: the OpenAI SDK's user agent alone.</value>
    public string? ApplicationId { get; set; }

    /// <summary>Gets or sets the <see cref="System.Net.Http.HttpClient"/> that carries the requests (for example one from <c>IHttpClientFactory</c>).</summary>
    /// <value>The default is <see langword="null"/>: System.ClientModel's shared transport. The client does not dispose it. Give it an infinite
    /// <see cref="System.Net.Http.HttpClient.Timeout"/>: <see cref="NetworkTimeout"/> is the timeout that should apply.</value>
    public HttpClient? HttpClient { get; set; }

    internal OpenAIV1ChatClientOptions CloneAndValidate()
    {
        TransportOptionsValidator.Validate(nameof(OpenAIV1ChatClientOptions), ApiVersion, NetworkTimeout, DefaultModelId, TokenScope, ApplicationId, TransportConstants.MaxApplicationIdLength);

        return new OpenAIV1ChatClientOptions
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
