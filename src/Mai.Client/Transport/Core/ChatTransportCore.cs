using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>What a <see cref="ChatTransportCore"/> needs from its public client's options (already validated).</summary>
/// <param name="OptionsName">The options type named in messages, e.g. <c>AzureInferenceChatClientOptions</c>.</param>
/// <param name="ApiVersion">The <c>api-version</c> query value, or none.</param>
/// <param name="NetworkTimeout">The network timeout: the pipeline's for a whole answer, the core's own (<see cref="NetworkDeadline"/>)
/// until the headers and between reads of a stream.</param>
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

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>How much of a body that is not an event stream is kept on the exception.</summary>
    private const int MaxQuotedBodyBytes = 4 * 1024;

    private readonly IChatWireFormat _wire;
    private readonly IChatSender _sender;
    private readonly ChatTransportSettings _settings;
    private readonly TimeProvider _time;
    private readonly Func<Exception, TimeoutException> _timeoutFactory;
    private volatile bool _streamUsageRejected;

    public ChatTransportCore(IChatWireFormat wire, IChatSender sender, Uri endpoint, ChatTransportSettings settings, SecretScrubber secrets, TimeProvider timeProvider)
    {
        _wire = wire;
        _sender = sender;
        _settings = settings;
        _time = timeProvider;
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
        using var exchange = await SendAsync(body.WrittenMemory, hasExtraFields, deadline: null, cancellationToken).ConfigureAwait(false); // disposed before the body it reads
        var response = exchange.Response;
        if (response.Status is < 200 or >= 300)
        {
            throw RedirectError(response) ?? _wire.ReadError(response, Secrets);
        }

        return ReadResponse(response, response.Content.ToMemory());
    }

    /// <summary>Sends the conversation and streams the answer. The body is written (and the input validated) before this returns.</summary>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var includeUsage = _settings.IncludeStreamUsage && _wire.SupportsStreamUsageOption && !_streamUsageRejected;
        var body = _wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: true, includeUsage, out var hasExtraFields);
        return StreamAsync(messages, options, new StrongBox<PooledBufferWriter?>(body), hasExtraFields, includeUsage, cancellationToken);
    }

    /// <summary>Sends once (a stream when <paramref name="deadline"/> is given, which then times the wait for the headers); a
    /// network timeout (not the caller's token) becomes a <see cref="TimeoutException"/>.</summary>
    private async Task<WireExchange> SendAsync(ReadOnlyMemory<byte> body, bool hasExtraFields, NetworkDeadline? deadline, CancellationToken cancellationToken)
    {
        deadline?.Start();
        try
        {
            var request = new WireRequest(RequestUri, body, Stream: deadline is not null, hasExtraFields, _wire.RequestHeaders);
            return await _sender.SendAsync(request, deadline?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NetworkTimeout(ex);
        }
        catch (Exception ex) when (FindRedirect(ex) is { } followed)
        {
            throw ServiceErrorReader.Redirect(new SyntheticResponse(followed.FinalStatus, "Redirect followed by the HTTP client"), followed.Target, Secrets);
        }
        catch (WireSendException failed) when (failed.Response is null)
        {
            throw ServiceErrorReader.NoResponse(failed.ClientRequestId, failed.InnerException!, Secrets);
        }
        catch (WireSendException failed) when (failed.Response is { Status: < 200 or >= 300 } answered)
        {
            // An error status whose body broke: the status is the fact that matters (a 400 stays a 400, without its body).
            throw RedirectError(answered) ?? _wire.ReadError(answered, Secrets);
        }
        catch (WireSendException failed)
        {
            throw ServiceErrorReader.ConnectionFailure(failed.Response!, failed.InnerException!, Secrets);
        }
        finally
        {
            deadline?.Stop();
        }
    }

    /// <summary>Maps a complete 2xx JSON body to the answer; a body that is not valid UTF-8 (or holds a lone surrogate) is the typed
    /// protocol error whatever the format's parser threw.</summary>
    private ChatResponse ReadResponse(Azure.Response response, ReadOnlyMemory<byte> body)
    {
        try
        {
            // A UTF-8 byte order mark before the JSON is allowed (RFC 8259 §8.1 lets a parser ignore it); System.Text.Json is not.
            return _wire.ReadResponse(response, body.Span.StartsWith(Utf8Bom) ? body[Utf8Bom.Length..] : body, Secrets);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            throw ServiceErrorReader.InvalidResponse(response, "its body was not valid UTF-8 JSON", ex, Secrets);
        }
    }

    private static RedirectFollowedException? FindRedirect(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is RedirectFollowedException followed)
            {
                return followed;
            }
        }

        return null;
    }

    /// <summary>The typed error of a 3xx (never followed), or <see langword="null"/>.</summary>
    private MaiServiceException? RedirectError(Response response)
    {
        if (response.Status is < 300 or >= 400)
        {
            return null;
        }

        Uri? target = null;
        if (response.Headers.TryGetValue("Location", out var location) && Uri.TryCreate(location, UriKind.RelativeOrAbsolute, out var parsed))
        {
            target = parsed.IsAbsoluteUri ? parsed : new Uri(RequestUri, parsed);
        }

        return ServiceErrorReader.Redirect(response, target, Secrets);
    }

    /// <summary>Why a 2xx answer to a stream request cannot be read as a stream (a 204, or a content type that is neither SSE nor the
    /// JSON the core reads as a whole answer), or <see langword="null"/>. A missing content type is read as SSE.</summary>
    private static string? NotAnEventStream(Response response)
    {
        if (response.Status == 204)
        {
            return "it had no content (a stream was requested)";
        }

        var type = response.Headers.ContentType;
        if (type is null
            || type.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase)
            || type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var mediaType = type.Split(';', 2)[0].Trim();
        return $"its content type '{mediaType}' is not text/event-stream (a stream was requested)";
    }

    /// <summary>Buffers a streamed exchange's (error) body, its read timed by <paramref name="deadline"/> (which then becomes a
    /// <see cref="TimeoutException"/>).</summary>
    private async Task<Response> BufferBodyAsync(WireExchange exchange, int maxBytes, NetworkDeadline deadline)
    {
        deadline.Start();
        try
        {
            return await exchange.BufferBodyAsync(maxBytes, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (deadline.Expired)
        {
            throw NetworkTimeout(ex);
        }
        finally
        {
            deadline.Stop();
        }
    }

    private TimeoutException NetworkTimeout(Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The service sent nothing within {_settings.OptionsName}.NetworkTimeout ({_settings.NetworkTimeout}); raise it for slow reasoning models."),
            inner);
}
