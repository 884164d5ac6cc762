using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// The bottom of the Mai pipeline for Claude on Microsoft Foundry: an <see cref="IChatClient"/> that speaks Anthropic's Messages API
/// (<c>POST {endpoint}/v1/messages</c>, <c>anthropic-version: 2023-06-01</c>) at <c>https://{resource}.services.ai.azure.com/anthropic</c>.
/// </summary>
/// <remarks>
/// <para>Requests go through an Azure.Core pipeline (the key header or an Entra ID token for <c>https://ai.azure.com/.default</c>,
/// request ids, user agent) with its retries off; the body and the response bytes are handled by the shared transport core, so errors,
/// timeouts, cancellation and truncated streams behave as on the chat-completions transports.</para>
/// <para>Mapping: <c>text</c> → <see cref="TextContent"/>; <c>thinking</c> → <see cref="TextReasoningContent"/> with the signature in
/// <see cref="TextReasoningContent.ProtectedData"/> (sent back unchanged next turn); <c>redacted_thinking</c> → an empty
/// <see cref="TextReasoningContent"/> holding the opaque data; <c>tool_use</c> → <see cref="FunctionCallContent"/>. Usage: input =
/// <c>input_tokens</c> + cache reads + cache writes; cached input = cache reads; cache writes in <see cref="UsageDetails.AdditionalCounts"/>
/// under <c>CacheWriteInputTokenCount</c>; reasoning tokens only when the service reports them. Thread-safe; no per-call state.</para>
/// </remarks>
public sealed class AnthropicMessagesChatClient : IChatClient
{
    private readonly ChatTransportCore _core;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Initializes a client with default options that sends an API key.</summary>
    /// <param name="endpoint">The endpoint, e.g. <c>https://res.services.ai.azure.com/anthropic</c>.</param>
    /// <param name="credential">The key.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not absolute https (http only to loopback).</exception>
    public AnthropicMessagesChatClient(Uri endpoint, AzureKeyCredential credential)
        : this(endpoint, credential, null)
    {
    }

    /// <summary>Initializes a client that sends an API key in <see cref="AnthropicMessagesChatClientOptions.ApiKeyHeaderName"/>.</summary>
    /// <param name="endpoint">The endpoint, e.g. <c>https://res.services.ai.azure.com/anthropic</c>; a trailing <c>/v1/messages</c> or <c>/</c> is removed.</param>
    /// <param name="credential">The key.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not absolute https (http only to loopback), or an option is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AnthropicMessagesChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public AnthropicMessagesChatClient(Uri endpoint, AzureKeyCredential credential, AnthropicMessagesChatClientOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var validated = (options ?? new AnthropicMessagesChatClientOptions()).CloneAndValidate();
        Endpoint = Normalize(endpoint, TlsRule.ExceptLoopback);
        var pipeline = BuildPipeline(validated, new KeyHeaderPolicy(credential, validated.ApiKeyHeaderName));
        _core = CreateCore(pipeline, validated, new SecretScrubber(() => [credential.Key]), timeProvider);
        _metadata = new ChatClientMetadata(AnthropicConstants.ProviderName, Endpoint, validated.DefaultModelId);
    }

    /// <summary>Initializes a client with default options that authenticates with Entra ID.</summary>
    /// <param name="endpoint">The endpoint, e.g. <c>https://res.services.ai.azure.com/anthropic</c>.</param>
    /// <param name="credential">The token credential, e.g. <c>DefaultAzureCredential</c>.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not absolute https.</exception>
    public AnthropicMessagesChatClient(Uri endpoint, TokenCredential credential)
        : this(endpoint, credential, null)
    {
    }

    /// <summary>Initializes a client that authenticates with Entra ID (scope <c>https://ai.azure.com/.default</c> unless <see cref="AnthropicMessagesChatClientOptions.TokenScope"/> says otherwise).</summary>
    /// <param name="endpoint">The endpoint; https only (tokens never go over plain http).</param>
    /// <param name="credential">The token credential.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The endpoint is not absolute https, or an option is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AnthropicMessagesChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public AnthropicMessagesChatClient(Uri endpoint, TokenCredential credential, AnthropicMessagesChatClientOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        var validated = (options ?? new AnthropicMessagesChatClientOptions()).CloneAndValidate();
        Endpoint = Normalize(endpoint, TlsRule.Always);
        TokenScope = validated.TokenScope ?? AnthropicConstants.FoundryScope;
        var pipeline = BuildPipeline(validated, new BearerTokenAuthenticationPolicy(credential, TokenScope));
        _core = CreateCore(pipeline, validated, SecretScrubber.None, timeProvider);
        _metadata = new ChatClientMetadata(AnthropicConstants.ProviderName, Endpoint, validated.DefaultModelId);
    }

    /// <summary>Gets the normalised endpoint (no trailing <c>/</c> or <c>/v1/messages</c>).</summary>
    internal Uri Endpoint { get; }

    /// <summary>Gets the Entra scope requested; <see langword="null"/> with a key.</summary>
    internal string? TokenScope { get; }

    /// <summary>Gets the full URI requests go to.</summary>
    internal Uri MessagesUri => _core.RequestUri;

    /// <summary>Sends the conversation and returns the complete answer.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: thinking (as <see cref="TextReasoningContent"/>) before the text, tool calls, finish reason, ids and usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No model, no message, or an option that cannot be sent (the message names it).</exception>
    /// <exception cref="MaiServiceException">The service answered with an error (code = the Anthropic error type) or an unreadable body.</exception>
    /// <exception cref="RequestFailedException">No response arrived: <see cref="RequestFailedException.Status"/> is 0.</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="AnthropicMessagesChatClientOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetResponseAsync(messages, options, cancellationToken);

    /// <summary>Sends the conversation and streams the answer as it is generated.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The updates: thinking and text deltas, the signature as its own reasoning update, whole tool calls, then the stop reason and usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">No model, no message, or an option that cannot be sent (the message names it).</exception>
    /// <exception cref="MaiServiceException">An error status, or an <c>event: error</c> inside the stream (its usage so far in <see cref="Exception.Data"/>).</exception>
    /// <exception cref="StreamTruncatedException">The stream ended before a stop reason.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetStreamingResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the client owns no disposable resource (an injected <see cref="HttpClient"/> stays the caller's).</summary>
    public void Dispose()
    {
    }

    /// <summary>Accepts the resource's <c>…/anthropic</c> base, and forgives a pasted <c>…/anthropic/v1/messages</c> or <c>…/v1</c>.</summary>
    private static Uri Normalize(Uri endpoint, TlsRule tls)
    {
        var trimmed = ChatEndpoints.Trim(endpoint, tls);
        var path = trimmed.AbsolutePath;
        foreach (var suffix in (string[])["/v1/messages", "/v1"])
        {
            if (path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                path = path[..^suffix.Length];
                return new Uri(string.Concat(trimmed.GetLeftPart(UriPartial.Authority), path, trimmed.Query), UriKind.Absolute);
            }
        }

        return trimmed;
    }

    private static HttpPipeline BuildPipeline(AnthropicMessagesChatClientOptions options, HttpPipelinePolicy auth)
    {
        var clientOptions = new PipelineOptions();
        clientOptions.Retry.MaxRetries = 0; // one HTTP request per call: the resilience layer owns retries
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        if (options.ApplicationId is not null)
        {
            clientOptions.Diagnostics.ApplicationId = options.ApplicationId;
        }

        // By default one shared client decompresses (the service gzips); a caller's HttpClient is used behind the redirect guard (give
        // it AutomaticDecompression for gzip). Redirects are never followed, so the key only goes to the configured origin.
        clientOptions.Transport = new HttpClientTransport(RedirectGuard.ClientFor(options.HttpClient, decompress: true));

        return HttpPipelineBuilder.Build(clientOptions, [], [auth], new ResponseClassifier());
    }

    private ChatTransportCore CreateCore(HttpPipeline pipeline, AnthropicMessagesChatClientOptions options, SecretScrubber secrets, TimeProvider? timeProvider) =>
        new(new AnthropicMessagesWireFormat(options.DefaultReasoningEffort),
            new AzureCoreChatSender(pipeline, options.NetworkTimeout),
            Endpoint,
            new ChatTransportSettings(nameof(AnthropicMessagesChatClientOptions), null, options.NetworkTimeout, options.DefaultModelId, IncludeStreamUsage: false),
            secrets,
            timeProvider ?? TimeProvider.System);

    private sealed class PipelineOptions : ClientOptions
    {
    }

    /// <summary>Sets the key header on every request, reading the credential each time so a rotated key is used at once.</summary>
    private sealed class KeyHeaderPolicy(AzureKeyCredential credential, string header) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message) => message.Request.Headers.SetValue(header, credential.Key);
    }
}
