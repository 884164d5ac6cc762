using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Settings for an <see cref="AnthropicMessagesChatClient"/>; copied when the client is built.</summary>
public sealed class AnthropicMessagesChatClientOptions
{
    /// <summary>Gets or sets the model (the Foundry deployment name, e.g. <c>claude-opus-4-6</c>) used when <see cref="ChatOptions.ModelId"/> is not set.</summary>
    /// <value>The default is <see langword="null"/>: every call must name its model.</value>
    public string? DefaultModelId { get; set; }

    /// <summary>Gets or sets how long the client waits for the response to start, and between two stream events.</summary>
    /// <value>The default is 10 minutes (long thinking can be silent for a while).</value>
    public TimeSpan NetworkTimeout { get; set; } = AnthropicConstants.DefaultNetworkTimeout;

    /// <summary>Gets or sets the <see cref="System.Net.Http.HttpClient"/> requests go through (it stays the caller's).</summary>
    /// <value>The default is <see langword="null"/>: one shared client that accepts gzip (a caller's client needs <c>AutomaticDecompression</c> for gzipped answers).</value>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets or sets the application id added to the <c>User-Agent</c> (at most 24 characters, no spaces).</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? ApplicationId { get; set; }

    /// <summary>Gets or sets the Entra ID scope requested with a token credential.</summary>
    /// <value>The default is <see langword="null"/>: <c>https://ai.azure.com/.default</c>, the scope Foundry documents for Claude.</value>
    public string? TokenScope { get; set; }

    /// <summary>Gets or sets the header the API key is sent in: <c>api-key</c> (what Anthropic's Foundry SDKs send) or <c>x-api-key</c> (Anthropic's own API).</summary>
    /// <value>The default is <c>api-key</c>.</value>
    public string ApiKeyHeaderName { get; set; } = "api-key";

    /// <summary>Gets or sets the thinking effort used when <see cref="ChatOptions.Reasoning"/> is not set: low, medium, high and extra high
    /// ask for a thinking budget of 1024, 4096, 10000 and 16000 tokens (always below <c>max_tokens</c>).</summary>
    /// <value>The default is <see langword="null"/>: no thinking unless the call asks for it.</value>
    public ReasoningEffort? DefaultReasoningEffort { get; set; }

    internal AnthropicMessagesChatClientOptions CloneAndValidate()
    {
        TransportOptionsValidator.Validate(nameof(AnthropicMessagesChatClientOptions), null, NetworkTimeout, DefaultModelId, TokenScope, ApplicationId, TransportConstants.MaxApplicationIdLength);
        if (ApiKeyHeaderName is not ("api-key" or "x-api-key"))
        {
            throw new ArgumentException($"AnthropicMessagesChatClientOptions.ApiKeyHeaderName must be 'api-key' or 'x-api-key' (was '{ApiKeyHeaderName}').", nameof(ApiKeyHeaderName));
        }

        return (AnthropicMessagesChatClientOptions)MemberwiseClone();
    }
}
