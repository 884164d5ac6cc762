using System.Globalization;

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
    public TimeSpan NetworkTimeout { get; set; } = OpenAIV1Constants.DefaultNetworkTimeout;

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
        if (ApiVersion is not null && (string.IsNullOrWhiteSpace(ApiVersion) || ApiVersion.Any(c => char.IsWhiteSpace(c) || c is '&' or '#' or '?')))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"OpenAIV1ChatClientOptions.ApiVersion '{ApiVersion}' is not a valid api-version value (use null to send none)."),
                nameof(ApiVersion));
        }

        if (NetworkTimeout <= TimeSpan.Zero && NetworkTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(
                nameof(NetworkTimeout), NetworkTimeout, "OpenAIV1ChatClientOptions.NetworkTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (DefaultModelId is not null && string.IsNullOrWhiteSpace(DefaultModelId))
        {
            throw new ArgumentException("OpenAIV1ChatClientOptions.DefaultModelId must be null or a non-blank model name.", nameof(DefaultModelId));
        }

        if (TokenScope is not null && !Uri.TryCreate(TokenScope, UriKind.Absolute, out _))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"OpenAIV1ChatClientOptions.TokenScope '{TokenScope}' is not an absolute scope URI (e.g. https://cognitiveservices.azure.com/.default)."),
                nameof(TokenScope));
        }

        if (ApplicationId is not null && (ApplicationId.Length == 0 || ApplicationId.Length > OpenAIV1Constants.MaxApplicationIdLength || ApplicationId.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"OpenAIV1ChatClientOptions.ApplicationId '{ApplicationId}' must be 1 to {OpenAIV1Constants.MaxApplicationIdLength} characters without spaces."),
                nameof(ApplicationId));
        }

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
