using System.Globalization;
using System.Runtime.CompilerServices;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>What a <see cref="ChatTransportCore"/> needs from its public client's options (already validated).</summary>
/// <param name="OptionsName">The options type named in messages, e.g. <c>AzureInferenceChatClientOptions</c>.</param>
/// <param name="ApiVersion">The <c>api-version</c> query value, or none.</param>
/// <param name="NetworkTimeout">The per-read network timeout the pipeline applies.</param>
/// <param name="DefaultModelId">The model sent when the call names none.</param>
/// <param name="IncludeStreamUsage">Whether streams ask for usage (when the format has such an option).</param>
internal sealed record ChatTransportSettings(string OptionsName, string? ApiVersion, TimeSpan NetworkTimeout, string? DefaultModelId, bool IncludeStreamUsage);

/// <summary>
/// The one implementation of a chat call over HTTP, for any <see cref="IChatWireFormat"/> and any <see cref="IChatSender"/>: request URI,
/// body, one send, error reading (with the body capped at <see cref="MaxErrorBodyBytes"/>), the stream-usage fallback, the JSON answer to
/// a stream request, SSE reading, and the mapping of a network timeout (not the caller's token) to <see cref="TimeoutException"/>.
/// See <see cref="IChatWireFormat"/> for the whole seam.
/// </summary>
/// <remarks>Thread-safe; the only state is whether the endpoint rejected the stream-usage option.</remarks>
internal sealed partial class ChatTransportCore
{
    /// <summary>Error bodies larger than this are cut before parsing (they are never this large in practice).</summary>
    public const int MaxErrorBodyBytes = 1 << 20;

    private readonly IChatWireFormat _wire;
    private readonly IChatSender _sender;
    private readonly ChatTransportSettings _settings;
    private readonly Func<Exception, TimeoutException> _timeoutFactory;
    private volatile bool _streamUsageRejected;

    public ChatTransportCore(IChatWireFormat wire, IChatSender sender, Uri endpoint, ChatTransportSettings settings, SecretScrubber secrets)
    {
        _wire = wire;
        _sender = sender;
        _settings = settings;
        Secrets = secrets;
        RequestUri = ChatEndpoints.BuildRequestUri(endpoint, wire.RequestPath, settings.ApiVersion);
        _timeoutFactory = NetworkTimeout;
    }

    /// <summary>Gets the full URI requests go to.</summary>
    public Uri RequestUri { get; }

    /// <summary>Gets the scrubber applied to every string from the service.</summary>
    public SecretScrubber Secrets { get; }

    /// <summary>Gets a value indicating whether this endpoint rejected the stream-usage option (so it is no longer sent).</summary>
    public bool StreamUsageRejected => _streamUsageRejected;

    /// <summary>Sends the conversation and returns the complete answer.</summary>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var body = _wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: false, includeStreamUsage: false, out var hasExtraFields);
        using var exchange = await SendAsync(body.WrittenMemory, hasExtraFields, stream: false, cancellationToken).ConfigureAwait(false); // disposed before the body it reads
        var response = exchange.Response;
        if (response.Status is < 200 or >= 300)
        {
            throw _wire.ReadError(response, Secrets);
        }

        return _wire.ReadResponse(response, response.Content.ToMemory(), Secrets);
    }

    /// <summary>Sends the conversation and streams the answer. The body is written (and the input validated) before this returns.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var includeUsage = _settings.IncludeStreamUsage && _wire.SupportsStreamUsageOption && !_streamUsageRejected;
        var body = _wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: true, includeUsage, out var hasExtraFields);
        return StreamAsync(messages, options, new StrongBox<PooledBufferWriter?>(body), hasExtraFields, includeUsage, cancellationToken);
    }

    /// <summary>Sends once; a network timeout (not the caller's token) becomes a <see cref="TimeoutException"/>.</summary>
    private async Task<WireExchange> SendAsync(ReadOnlyMemory<byte> body, bool hasExtraFields, bool stream, CancellationToken cancellationToken)
    {
        try
        {
            return await _sender.SendAsync(new WireRequest(RequestUri, body, stream, hasExtraFields, _wire.RequestHeaders), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NetworkTimeout(ex);
        }
    }

    private TimeoutException NetworkTimeout(Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The service sent nothing within {_settings.OptionsName}.NetworkTimeout ({_settings.NetworkTimeout}); raise it for slow reasoning models."),
            inner);
}
