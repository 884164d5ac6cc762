using Azure;
using Azure.AI.Inference;
using Azure.Core;
using Azure.Core.Pipeline;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// The bottom of the Mai pipeline: an <see cref="IChatClient"/> that calls an Azure AI Inference (Foundry, serverless or Azure
/// OpenAI) chat-completions endpoint through the Azure.AI.Inference SDK's HTTP pipeline, and reads the raw responses itself.
/// </summary>
/// <remarks>
/// The SDK provides the pipeline (credentials and the api-key header, client request id, user agent, diagnostics); this client
/// writes the request body and parses responses and server-sent events itself, so reasoning text, reasoning and cached token
/// counts, tool-call indexes and in-band stream errors are not lost. Azure.Core's retries are off: every call makes exactly one
/// HTTP request (the stream-usage fallback excepted, see <see cref="AzureInferenceChatClientOptions.IncludeStreamUsage"/>); the
/// resilience layer above owns retries. The client is thread-safe and holds no per-call state.
/// </remarks>
public sealed partial class AzureInferenceChatClient : IChatClient
{
    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key (not sent: it starts with <c>mai.</c>) that forces the output limit into
    /// <c>max_completion_tokens</c> (<see langword="true"/>) or <c>max_tokens</c> (<see langword="false"/>); without it, o1/o3/o4/gpt-5 models get
    /// <c>max_completion_tokens</c>.
    /// </summary>
    public const string UseMaxCompletionTokensKey = ChatCompletionsWireFormat.UseMaxCompletionTokensKey;

    private readonly ChatCompletionsClient _client;
    private readonly AzureInferenceChatClientOptions _options;
    private readonly ChatTransportCore _core;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Initializes a client with default options that authenticates with an API key.</summary>
    /// <param name="endpoint">The endpoint, e.g. <c>https://res.services.ai.azure.com/models</c>; a trailing <c>/</c> is removed.</param>
    /// <param name="credential">The API key.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (http only to loopback: a key never goes over plain http to another host).</exception>
    public AzureInferenceChatClient(Uri endpoint, AzureKeyCredential credential)
        : this(endpoint, credential, null)
    {
    }

    /// <summary>Initializes a client that authenticates with an API key (sent as <c>api-key</c> and as a bearer value, like the SDK).</summary>
    /// <param name="endpoint">The endpoint, e.g. <c>https://res.services.ai.azure.com/models</c>; a trailing <c>/</c> is removed.</param>
    /// <param name="credential">The API key.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (http only to loopback: a key never goes over plain http to another host), or an option is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AzureInferenceChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public AzureInferenceChatClient(Uri endpoint, AzureKeyCredential credential, AzureInferenceChatClientOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Endpoint = ChatEndpoints.Trim(endpoint, TlsRule.ExceptLoopback);
        _options = (options ?? new AzureInferenceChatClientOptions()).CloneAndValidate();
        _client = new ChatCompletionsClient(Endpoint, credential, CreateSdkOptions(_options));
        _core = CreateCore(_client, Endpoint, _options, new SecretScrubber(() => [credential.Key]), timeProvider);
        _metadata = new ChatClientMetadata(AzureInferenceConstants.ProviderName, Endpoint, _options.DefaultModelId);
    }

    /// <summary>Initializes a client with default options that authenticates with Entra ID, requesting the scope that fits the endpoint.</summary>
    /// <param name="endpoint">The endpoint; a trailing <c>/</c> is removed. Its host chooses the token scope (see <see cref="AzureInferenceChatClientOptions.TokenScope"/>).</param>
    /// <param name="credential">The token credential, e.g. <c>DefaultAzureCredential</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (tokens never go over plain http).</exception>
    public AzureInferenceChatClient(Uri endpoint, TokenCredential credential)
        : this(endpoint, credential, null)
    {
    }

    /// <summary>Initializes a client that authenticates with Entra ID, requesting the scope that fits the endpoint.</summary>
    /// <param name="endpoint">The endpoint; a trailing <c>/</c> is removed. Its host chooses the token scope (see <see cref="AzureInferenceChatClientOptions.TokenScope"/>).</param>
    /// <param name="credential">The token credential, e.g. <c>DefaultAzureCredential</c>.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> or <paramref name="credential"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute https URI (tokens never go over plain http), or an option is invalid (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AzureInferenceChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public AzureInferenceChatClient(Uri endpoint, TokenCredential credential, AzureInferenceChatClientOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        Endpoint = ChatEndpoints.Trim(endpoint, TlsRule.Always);
        _options = (options ?? new AzureInferenceChatClientOptions()).CloneAndValidate();
        TokenScope = _options.TokenScope ?? ChatEndpoints.ScopeFor(Endpoint);
        var sdkOptions = CreateSdkOptions(_options);
        if (TokenScope == ChatEndpoints.MachineLearningScope)
        {
            _client = new ChatCompletionsClient(Endpoint, credential, sdkOptions);
        }
        else
        {
            // The SDK hard-codes ml.azure.com. Its policy gets a static dummy token (so no ml.azure.com token is ever requested)
            // and ours, added per retry after it, overwrites Authorization with a token for the right audience (wire-protocol §1.2).
            sdkOptions.AddPolicy(new BearerTokenAuthenticationPolicy(credential, TokenScope), HttpPipelinePosition.PerRetry);
            _client = new ChatCompletionsClient(Endpoint, PlaceholderTokenCredential.Instance, sdkOptions);
        }

        _core = CreateCore(_client, Endpoint, _options, SecretScrubber.None, timeProvider);
        _metadata = new ChatClientMetadata(AzureInferenceConstants.ProviderName, Endpoint, _options.DefaultModelId);
    }

    /// <summary>Initializes a client with default options over a caller-built SDK client, using its pipeline as configured.</summary>
    /// <param name="client">The SDK client whose <see cref="ChatCompletionsClient.Pipeline"/> carries the requests.</param>
    /// <param name="endpoint">The endpoint <paramref name="client"/> was built with (the SDK does not expose it); a trailing <c>/</c> is removed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http(s) URI.</exception>
    public AzureInferenceChatClient(ChatCompletionsClient client, Uri endpoint)
        : this(client, endpoint, null)
    {
    }

    /// <summary>Initializes a client over a caller-built SDK client, using its pipeline as configured (its retry settings included).</summary>
    /// <param name="client">The SDK client whose <see cref="ChatCompletionsClient.Pipeline"/> carries the requests.</param>
    /// <param name="endpoint">The endpoint <paramref name="client"/> was built with (the SDK does not expose it); a trailing <c>/</c> is removed.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults. They are copied.</param>
    /// <param name="timeProvider">The clock of streams' network timeout (until the headers and between chunks); <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> or <paramref name="endpoint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="endpoint"/> is not an absolute http(s) URI, an option is invalid, or
    /// <see cref="AzureInferenceChatClientOptions.TokenScope"/>, <see cref="AzureInferenceChatClientOptions.ApplicationId"/> or
    /// <see cref="AzureInferenceChatClientOptions.HttpClient"/> is set (they configure a pipeline, and this one is already built).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="AzureInferenceChatClientOptions.NetworkTimeout"/> is not positive.</exception>
    public AzureInferenceChatClient(ChatCompletionsClient client, Uri endpoint, AzureInferenceChatClientOptions? options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        Endpoint = ChatEndpoints.Trim(endpoint, TlsRule.None);
        _options = (options ?? new AzureInferenceChatClientOptions()).CloneAndValidate();
        RejectPipelineOption(_options.TokenScope, nameof(AzureInferenceChatClientOptions.TokenScope));
        RejectPipelineOption(_options.ApplicationId, nameof(AzureInferenceChatClientOptions.ApplicationId));
        RejectPipelineOption(_options.HttpClient, nameof(AzureInferenceChatClientOptions.HttpClient));
        _client = client;
        _core = CreateCore(client, Endpoint, _options, SecretScrubber.None, timeProvider);
        _metadata = new ChatClientMetadata(AzureInferenceConstants.ProviderName, Endpoint, _options.DefaultModelId);
    }

    /// <summary>Gets the normalised endpoint (no trailing <c>/</c>).</summary>
    internal Uri Endpoint { get; }

    /// <summary>Gets the Entra scope chosen for a token credential; <see langword="null"/> with a key or a caller-built client.</summary>
    internal string? TokenScope { get; }

    /// <summary>Gets the full chat-completions URI requests go to.</summary>
    internal Uri ChatCompletionsUri => _core.RequestUri;

    /// <summary>Gets a value indicating whether this endpoint rejected <c>stream_options</c> (so it is no longer sent).</summary>
    internal bool StreamOptionsRejected => _core.StreamUsageRejected;

    /// <summary>Sends the conversation and returns the complete answer.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer: reasoning (as <see cref="TextReasoningContent"/>) before the text, tool calls, finish reason, ids and usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There is no message, or an additional property collides with a modelled field (the message names the key).</exception>
    /// <exception cref="ContentFilterException">The service's content filter refused the prompt.</exception>
    /// <exception cref="MaiServiceException">The service answered with an error status, an error body, or a body that was not valid JSON
    /// (<see cref="RequestFailedException.ErrorCode"/> <c>"invalid_response"</c>).</exception>
    /// <exception cref="RequestFailedException">No response arrived (connection refused, DNS, TLS): <see cref="RequestFailedException.Status"/> is 0.</exception>
    /// <exception cref="TimeoutException">No complete response within <see cref="AzureInferenceChatClientOptions.NetworkTimeout"/>.</exception>
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
            : serviceType == typeof(ChatCompletionsClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Does nothing: the client owns no disposable resource (an injected <see cref="HttpClient"/> stays the caller's).</summary>
    public void Dispose()
    {
    }

    private static void RejectPipelineOption(object? value, string name)
    {
        if (value is not null)
        {
            throw new ArgumentException(
                $"AzureInferenceChatClientOptions.{name} cannot be applied to a caller-built ChatCompletionsClient; configure that client's options instead.", name);
        }
    }
}
