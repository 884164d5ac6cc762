using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// One wire format of a chat API: how a conversation becomes request bytes, and how response bytes become Microsoft.Extensions.AI
/// types. It knows JSON and SSE payloads, never HTTP: sending is an <see cref="IChatSender"/>'s job, and everything between the two
/// (endpoints, timeouts, error buffering, fallbacks, SSE framing, cancellation) is <see cref="ChatTransportCore"/>'s.
/// </summary>
/// <remarks>
/// <para>The seam, bottom-up (docs/architecture.md draws it):</para>
/// <list type="number">
/// <item><see cref="IChatSender"/> (one per SDK pipeline: <see cref="AzureCoreChatSender"/> over Azure.Core's <c>HttpPipeline</c>,
/// <see cref="ClientModelChatSender"/> over System.ClientModel's <c>ClientPipeline</c>) sends a <see cref="WireRequest"/> once and hands
/// back a <see cref="WireExchange"/>: the response seen as an Azure <see cref="Response"/> (status, headers, body stream). Authentication,
/// user agent and transport are the pipeline's; the SDK's retries are off.</item>
/// <item><see cref="IChatWireFormat"/> (this interface; <see cref="ChatCompletionsWireFormat"/> for OpenAI-style chat completions, and a
/// Messages API format beside it) writes the body, parses a JSON response, parses each SSE <c>data:</c> payload through the
/// <see cref="IStreamEventParser"/> it creates, and reads error bodies into typed exceptions.</item>
/// <item><see cref="ChatTransportCore"/> joins one of each: builds the request URI from the endpoint and <see cref="RequestPath"/>,
/// maps a network timeout to <see cref="TimeoutException"/>, buffers error bodies (capped), runs the stream-usage fallback when the
/// format supports one, answers a stream request with a JSON body as updates, and reads SSE lines (<see cref="SseLineReader"/>).</item>
/// <item>A public client (<see cref="AzureInferenceChatClient"/>, <see cref="OpenAIV1ChatClient"/>) only builds its SDK pipeline and
/// forwards <c>GetResponseAsync</c> / <c>GetStreamingResponseAsync</c> to its core.</item>
/// </list>
/// <para>Implementations are stateless and thread-safe; per-stream state lives in the <see cref="IStreamEventParser"/>.</para>
/// </remarks>
internal interface IChatWireFormat
{
    /// <summary>Gets the path appended to the endpoint, e.g. <c>/chat/completions</c> or <c>/v1/messages</c>.</summary>
    string RequestPath { get; }

    /// <summary>Gets the headers every request of this format carries besides authentication (e.g. a protocol version), or none.</summary>
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders { get; }

    /// <summary>Writes the request body.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The caller's options (read only).</param>
    /// <param name="defaultModelId">The model used when <see cref="ChatOptions.ModelId"/> is null.</param>
    /// <param name="stream">Whether the response is to be streamed.</param>
    /// <param name="includeStreamUsage">Whether to ask for usage on a stream (only when <see cref="SupportsStreamUsageOption"/>).</param>
    /// <param name="hasExtraFields">Set when fields outside the format's spec were written (the chat-completions format then sends <c>extra-parameters: pass-through</c>).</param>
    /// <returns>The UTF-8 body in a pooled buffer; the core disposes it after the exchange that sent it.</returns>
    /// <exception cref="ArgumentException">The conversation or options cannot be written (the message names the key).</exception>
    PooledBufferWriter WriteRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool stream, bool includeStreamUsage, out bool hasExtraFields);

    /// <summary>Gets a value indicating whether streams ask for usage with an option an endpoint may reject (then <see cref="RejectsStreamUsageOption"/> decides the fallback).</summary>
    bool SupportsStreamUsageOption { get; }

    /// <summary>Tells whether an error response says the endpoint rejects the stream-usage option (the core then resends without it, and never sends it again).</summary>
    bool RejectsStreamUsageOption(MaiServiceException error);

    /// <summary>Maps a complete 2xx JSON body to a <see cref="ChatResponse"/>; throws the typed protocol/service error otherwise.</summary>
    ChatResponse ReadResponse(Response response, ReadOnlyMemory<byte> body, SecretScrubber secrets);

    /// <summary>Builds the exception for an error response whose body has been buffered (<see cref="Response.Content"/>).</summary>
    MaiServiceException ReadError(Response response, SecretScrubber secrets);

    /// <summary>Creates the per-stream parser of SSE <c>data:</c> payloads.</summary>
    IStreamEventParser CreateStreamParser(Response response, SecretScrubber secrets);
}

/// <summary>
/// Turns the <c>data:</c> payloads of one SSE stream into updates. The core frames the lines (comments, <c>event:</c>/<c>id:</c> fields
/// and blank separators never reach it), stamps the first update with the raw response and rate-limit headers, and decides truncation
/// with <see cref="IsComplete"/> when the body ends.
/// </summary>
internal interface IStreamEventParser
{
    /// <summary>Gets a value indicating whether the stream's end marker arrived (<c>[DONE]</c>, <c>message_stop</c>): the core stops reading.</summary>
    bool IsDone { get; }

    /// <summary>Gets a value indicating whether the stream may end here without being truncated (end marker or finish reason seen).</summary>
    bool IsComplete { get; }

    /// <summary>Gets how many payloads were parsed (reported by a truncation error).</summary>
    int Events { get; }

    /// <summary>Handles one <c>data:</c> payload; returns the update it produced or <see langword="null"/>.</summary>
    /// <param name="data">The payload, trimmed.</param>
    /// <param name="stream">Lets the parser keep the offending payload as the response body before it throws.</param>
    /// <exception cref="MaiServiceException">The payload was not valid, or was an in-band error.</exception>
    ChatResponseUpdate? HandleData(ReadOnlySpan<byte> data, IStreamBody stream);

    /// <summary>Returns the last update (pending tool calls, refusal, usage) once the stream ended completely, or <see langword="null"/>.</summary>
    /// <exception cref="MaiServiceException">The complete stream was not a usable answer (no choice at all; stopped by the content filter).</exception>
    ChatResponseUpdate? Finish(IStreamBody stream);

    /// <summary>Returns an update carrying the usage the service reported so far (and forgets it), or <see langword="null"/> when none
    /// came: the core delivers it before a failure, so reported usage is never lost when a stream breaks (issue 12, item 3).</summary>
    ChatResponseUpdate? TakeUsage();
}

/// <summary>The body of a stream being read, as a parser may touch it.</summary>
internal interface IStreamBody
{
    /// <summary>Replaces the unread network body with <paramref name="keep"/>, so an exception built next carries it as its content.</summary>
    void Detach(ReadOnlySpan<byte> keep);
}

/// <summary>What an <see cref="IChatSender"/> sends: one POST.</summary>
/// <param name="Uri">The full request URI.</param>
/// <param name="Body">The body; valid until the returned <see cref="WireExchange"/> is disposed.</param>
/// <param name="Stream">Whether the response is streamed (not buffered; <c>Accept: text/event-stream</c>).</param>
/// <param name="HasExtraFields">Whether the body holds fields outside the format's spec (the Azure AI Inference sender then adds <c>extra-parameters: pass-through</c>).</param>
/// <param name="Headers">The format's extra request headers.</param>
internal readonly record struct WireRequest(Uri Uri, ReadOnlyMemory<byte> Body, bool Stream, bool HasExtraFields, IReadOnlyList<KeyValuePair<string, string>> Headers);

/// <summary>
/// Sends bytes over one SDK pipeline. Implementations throw <see cref="RequestFailedException"/> with status 0 when no response
/// arrived, let <see cref="OperationCanceledException"/> through (the core tells the caller's cancellation from a network timeout),
/// and return every response that did arrive, whatever its status: buffered for a non-streamed request, else with its network body.
/// </summary>
internal interface IChatSender
{
    /// <summary>Sends the request once.</summary>
    Task<WireExchange> SendAsync(WireRequest request, CancellationToken cancellationToken);
}

/// <summary>A response and the SDK message that keeps it alive; disposing it aborts an unread body.</summary>
internal abstract class WireExchange : IDisposable
{
    /// <summary>Gets the response: status, headers and body (a network stream when streamed, else buffered).</summary>
    public abstract Response Response { get; }

    /// <summary>Reads at most <paramref name="maxBytes"/> of an unbuffered (error) body and returns the response with that body
    /// buffered, detached so that it outlives this exchange (an exception keeps it).</summary>
    public abstract Task<Response> BufferBodyAsync(int maxBytes, CancellationToken cancellationToken);

    public abstract void Dispose();

    /// <summary>Reads up to <paramref name="maxBytes"/> from <paramref name="stream"/> (the rest is left unread). A body that breaks
    /// (reset, unmet Content-Length, bad framing) gives what arrived: the status of an error answer is the fact that matters.</summary>
    protected static async Task<byte[]> ReadCappedAsync(Stream? stream, int maxBytes, CancellationToken cancellationToken)
    {
        if (stream is null)
        {
            return [];
        }

        using var buffered = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        try
        {
            while (buffered.Length < maxBytes
                && (read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, maxBytes - buffered.Length)), cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffered.Write(chunk, 0, read);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // keep what arrived
        }

        return buffered.ToArray();
    }
}
