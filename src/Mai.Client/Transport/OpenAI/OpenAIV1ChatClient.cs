using System.ClientModel;
using System.ClientModel.Primitives;
using Azure;
using Azure.Core;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using OpenAI;

namespace Mai.Client.Transport;

/// <summary>
/// The bottom of the Mai pipeline over the official OpenAI SDK: an <see cref="IChatClient"/> that calls the OpenAI v1
/// chat-completions API of a Foundry (<c>https://res.services.ai.azure.com/openai/v1</c>) or Azure OpenAI
/// (<c>https://res.openai.azure.com/openai/v1</c>) resource, or any OpenAI-compatible endpoint, through the SDK's HTTP pipeline.
/// </summary>
/// <remarks>
/// <para>
/// The successor of <see cref="AzureInferenceChatClient"/> (Azure.AI.Inference retires on 2026-08-26), with the same behaviour
/// above the wire: the same request body, the same reasoning, usage, tool-call, truncation and error mapping, the same exceptions
/// (<see cref="MaiServiceException"/>, <see cref="ContentFilterException"/>, <see cref="StreamTruncatedException"/>, and
/// <see cref="RequestFailedException"/> with status 0 when no response arrived).
/// </para>
/// <para>
/// Why the SDK's <see cref="ClientPipeline"/> and not <c>ChatClient</c> or Microsoft.Extensions.AI.OpenAI's <c>AsIChatClient()</c>:
/// those read responses through the SDK's models, which drop <c>reasoning_content</c> / <c>reasoning</c> text, Together's top-level
/// <c>usage.cached_tokens</c> and every structured error code (<c>ClientResultException</c> carries only the status), and end a
/// stream that closes without <c>[DONE]</c> silently instead of reporting truncation. So the SDK provides what it does well (the
/// pipeline: key or Entra authentication, user agent, transport, network timeout) and this client writes the body and parses the
/// raw bytes with the parsers the Azure transport uses. System.ClientModel's retries are off: every call makes exactly one HTTP
/// request (the stream-usage fallback excepted, see <see cref="OpenAIV1ChatClientOptions.IncludeStreamUsage"/>); the resilience
/// layer above owns retries. The client is thread-safe and holds no per-call state.
/// </para>
/// </remarks>
public sealed partial class OpenAIV1ChatClient : IChatClient
{
    private readonly OpenAIClient _client;
    private readonly ClientPipeline _pipeline;
    private readonly OpenAIV1ChatClientOptions _options;
    private readonly ChatTransportCore _core;
    private readonly ChatClientMetadata _metadata;
    private readonly CachingTokenProvider? _tokenCache;

    /// <summary>Initializes a client that authenticates with an API key, sent as <c>Authorization: Bearer</c> and as <c>api-key</c>.</summary>
    /// <param name="endpoint">The OpenAI v1 base, e.g. <c>https://res.services.ai.azure.com/openai/v1</c>. On a Foundry or Azure OpenAI host, a bare
    /// resource URI, <c>/models</c> or <c>/openai/deployments/{name}</c> is mapped to <c>/openai/v1</c> (the deployment becomes the default model).</param>
    /// <param name="credential">The API key.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (http only to loopback), or an option is
    /// invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OpenAIV1ChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public OpenAIV1ChatClient(Uri endpoint, ApiKeyCredential credential, OpenAIV1ChatClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Endpoint = ResolveEndpoint(endpoint, bearerToken: false, out var deployment);
        _options = (options ?? new OpenAIV1ChatClientOptions()).CloneAndValidate();
        var sdkOptions = CreateSdkOptions(Endpoint, _options);
        sdkOptions.AddPolicy(ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(credential, OpenAIV1Constants.ApiKeyHeader), PipelinePosition.PerTry);
        _client = new OpenAIClient(credential, sdkOptions);
        _pipeline = _client.Pipeline;
        _core = CreateCore(_pipeline, Endpoint, _options, _options.DefaultModelId ?? deployment, new SecretScrubber(() => [KeyOf(credential)]), ownPipeline: true, timeProvider);
        _metadata = new ChatClientMetadata(ProviderNameFor(Endpoint), Endpoint, _options.DefaultModelId ?? deployment);
    }

    /// <summary>Initializes a client that authenticates with Entra ID, sending a bearer token for <see cref="OpenAIV1ChatClientOptions.TokenScope"/>.</summary>
    /// <param name="endpoint">The OpenAI v1 base, e.g. <c>https://res.services.ai.azure.com/openai/v1</c>. On a Foundry or Azure OpenAI host, a bare
    /// resource URI, <c>/models</c> or <c>/openai/deployments/{name}</c> is mapped to <c>/openai/v1</c> (the deployment becomes the default model).</param>
    /// <param name="credential">The token credential, e.g. <c>DefaultAzureCredential</c>. Its token is reused until its refresh time (or five
    /// minutes before it expires), then requested again by one caller while the others wait.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (tokens never go over plain http, not even
    /// to loopback), or an option is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OpenAIV1ChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public OpenAIV1ChatClient(Uri endpoint, TokenCredential credential, OpenAIV1ChatClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Endpoint = ResolveEndpoint(endpoint, bearerToken: true, out var deployment);
        _options = (options ?? new OpenAIV1ChatClientOptions()).CloneAndValidate();
        TokenScope = _options.TokenScope ?? ChatEndpoints.ScopeFor(Endpoint); // one audience rule for both transports

        // Azure.Core's TokenCredential is a System.ClientModel AuthenticationTokenProvider, so System.ClientModel's BearerTokenPolicy
        // takes it as is; that policy asks its provider on every request, so the token is cached in between (CachingTokenProvider).
        // The OpenAI SDK marks the constructor that takes an authentication policy as experimental (OPENAI001); it is the one
        // Microsoft documents for Entra ID on /openai/v1, and the package version is pinned centrally, so a change shows at upgrade.
        _tokenCache = new CachingTokenProvider(credential, TimeProvider.System);
#pragma warning disable OPENAI001
        _client = new OpenAIClient(new BearerTokenPolicy(_tokenCache, TokenScope), CreateSdkOptions(Endpoint, _options));
#pragma warning restore OPENAI001
        _pipeline = _client.Pipeline;
        _core = CreateCore(_pipeline, Endpoint, _options, _options.DefaultModelId ?? deployment, SecretScrubber.None, ownPipeline: true, timeProvider);
        _metadata = new ChatClientMetadata(ProviderNameFor(Endpoint), Endpoint, _options.DefaultModelId ?? deployment);
    }

    /// <summary>Initializes a client over a caller-built SDK client, sending through its pipeline as configured (its retry settings included).</summary>
    /// <param name="client">The SDK client whose <see cref="OpenAIClient.Pipeline"/> carries the requests. Give it
    /// <c>RetryPolicy = new ClientRetryPolicy(0)</c> so that the resilience layer stays the only retry layer.</param>
    /// <param name="endpoint">The endpoint <paramref name="client"/> was built with; used as given, a trailing <c>/</c> removed.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http(s) URI, an option is invalid, or
    /// <see cref="OpenAIV1ChatClientOptions.TokenScope"/>, <see cref="OpenAIV1ChatClientOptions.ApplicationId"/> or
    /// <see cref="OpenAIV1ChatClientOptions.HttpClient"/> is set (they configure a pipeline, and this one is already built).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="OpenAIV1ChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public OpenAIV1ChatClient(OpenAIClient client, Uri endpoint, OpenAIV1ChatClientOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Endpoint = ChatEndpoints.Trim(endpoint, TlsRule.None);
        _options = (options ?? new OpenAIV1ChatClientOptions()).CloneAndValidate();
        RejectPipelineOption(_options.TokenScope, nameof(OpenAIV1ChatClientOptions.TokenScope));
        RejectPipelineOption(_options.ApplicationId, nameof(OpenAIV1ChatClientOptions.ApplicationId));
        RejectPipelineOption(_options.HttpClient, nameof(OpenAIV1ChatClientOptions.HttpClient));
        _client = client;
        _pipeline = client.Pipeline;
        _core = CreateCore(_pipeline, Endpoint, _options, _options.DefaultModelId, SecretScrubber.None, ownPipeline: false, timeProvider);
        _metadata = new ChatClientMetadata(ProviderNameFor(Endpoint), Endpoint, _options.DefaultModelId);
    }

    /// <summary>Gets the resolved OpenAI v1 base URI (no trailing <c>/</c>).</summary>
    internal Uri Endpoint { get; }

    /// <summary>Gets the Entra scope requested for a token credential; <see langword="null"/> with a key or a caller-built client.</summary>
    internal string? TokenScope { get; }

    /// <summary>Gets the full chat-completions URI requests go to.</summary>
    internal Uri ChatCompletionsUri => _core.RequestUri;

    /// <summary>Gets a value indicating whether this endpoint rejected <c>stream_options</c> (so it is no longer sent).</summary>
    internal bool StreamOptionsRejected => _core.StreamUsageRejected;

    /// <summary>Sends the conversation and returns the complete answer.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: reasoning (as <see cref="TextReasoningContent"/>) before the text, tool calls, finish reason, ids and usage;
    /// <see cref="ChatResponse.RawRepresentation"/> is the HTTP response as an Azure <see cref="Response"/> (status and headers).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There is no message, or an additional property collides with a modelled field (the message names the key).</exception>
    /// <exception cref="ContentFilterException">The service's content filter refused the prompt.</exception>
    /// <exception cref="MaiServiceException">The service answered with an error status, an error body, or a body that was not valid JSON
    /// (<see cref="RequestFailedException.ErrorCode"/> <c>"invalid_response"</c>).</exception>
    /// <exception cref="RequestFailedException">No response arrived (connection refused, DNS, TLS): <see cref="RequestFailedException.Status"/> is 0.</exception>
    /// <exception cref="TimeoutException">No complete response within <see cref="OpenAIV1ChatClientOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetResponseAsync(messages, options, cancellationToken);

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        return serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(OpenAIClient) ? _client
            : serviceType == typeof(ClientPipeline) ? _pipeline
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Releases the token cache of an Entra ID client; an injected <see cref="HttpClient"/> and a caller-built <see cref="OpenAIClient"/> stay the caller's.</summary>
    public void Dispose() => _tokenCache?.Dispose();

    /// <summary>Gets the current key (it may have been rotated with <see cref="ApiKeyCredential.Update"/>), to scrub it from messages.</summary>
    private static string KeyOf(ApiKeyCredential credential)
    {
        credential.Deconstruct(out var key);
        return key;
    }

    private static void RejectPipelineOption(object? value, string name)
    {
        if (value is not null)
        {
            throw new ArgumentException(
                $"OpenAIV1ChatClientOptions.{name} cannot be applied to a caller-built OpenAIClient; configure that client's options instead.", name);
        }
    }
}
