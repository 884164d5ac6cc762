using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Reads one streamed response, whatever its wire format: server-sent event lines from the unbuffered body (<see cref="SseLineReader"/>),
/// each <c>data:</c> payload handed to the format's <see cref="IStreamEventParser"/>. Owns the exchange that carries the response and
/// disposes it; stamps the first update with the raw response and the rate-limit headers; reports truncation.
/// </summary>
/// <remarks>
/// Each <c>data:</c> line is taken as one event. The SSE spec would join consecutive data lines, but no chat service splits a JSON
/// chunk over lines, and per-line handling also survives servers that omit the blank separator line. The caller's token is passed
/// to every read and additionally disposes the response, so a read stalled on a silent server ends at once.
/// </remarks>
internal sealed class SseResponseReader : IStreamBody, IDisposable
{
    private readonly WireExchange _owner;
    private readonly Response _response;
    private readonly SecretScrubber _secrets;
    private readonly Func<Exception, TimeoutException> _timeout;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private readonly SseLineReader _lines;
    private readonly IStreamEventParser _parser;
    private bool _finished;
    private bool _first = true;

    /// <summary>Reads <paramref name="exchange"/>'s response with <paramref name="parser"/>; disposes the exchange at the end.</summary>
    public SseResponseReader(WireExchange exchange, IStreamEventParser parser, SecretScrubber secrets, Func<Exception, TimeoutException> timeout, CancellationToken cancellationToken)
    {
        _owner = exchange;
        _response = exchange.Response;
        _parser = parser;
        _secrets = secrets;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        _lines = new SseLineReader(_response.ContentStream ?? Stream.Null);
        _registration = cancellationToken.Register(static state => ((Response)state!).Dispose(), _response);
        IsJsonBody = _response.Headers.ContentType is { } type && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Gets a value indicating whether the server answered plain JSON instead of an event stream.</summary>
    public bool IsJsonBody { get; }

    /// <summary>Reads the whole (non-SSE) body.</summary>
    public async Task<ReadOnlyMemory<byte>> ReadWholeBodyAsync()
    {
        try
        {
            using var buffer = new MemoryStream();
            if (_response.ContentStream is { } stream)
            {
                await stream.CopyToAsync(buffer, _cancellationToken).ConfigureAwait(false);
            }

            return buffer.ToArray();
        }
        catch (Exception ex) when (Map(ex) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Returns the next update, or <see langword="null"/> at the end of the stream.</summary>
    /// <remarks>
    /// Events already buffered are parsed synchronously (no state machine per chunk); the stream is only awaited when the buffer
    /// holds no complete line.
    /// </remarks>
    public ValueTask<ChatResponseUpdate?> ReadNextAsync()
    {
        while (!_finished && _lines.TryReadLine())
        {
            if (HandleLine() is { } update)
            {
                return new ValueTask<ChatResponseUpdate?>(update);
            }
        }

        return _finished ? default : ReadNextSlowAsync();
    }

    private async ValueTask<ChatResponseUpdate?> ReadNextSlowAsync()
    {
        while (!_finished)
        {
            bool more;
            try
            {
                more = await _lines.FillAsync(_cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (Map(ex) is { } mapped)
            {
                throw mapped;
            }

            if (!more)
            {
                _finished = true;
                if (!_parser.IsComplete)
                {
                    Detach([]);
                    throw ServiceErrorReader.Truncated(_response, _parser.Events, _secrets);
                }

                return Stamp(_parser.Finish());
            }

            while (!_finished && _lines.TryReadLine())
            {
                if (HandleLine() is { } update)
                {
                    return update;
                }
            }
        }

        return null;
    }

    /// <summary>Handles one line: returns the update it produced, or null (separator, comment, a chunk with nothing to show, or the end).</summary>
    private ChatResponseUpdate? HandleLine()
    {
        var line = _lines.Line.Span;
        if (line.Length < 5 || !line.StartsWith("data:"u8))
        {
            return null; // blank separator, ": keep-alive" comment, event:/id:/retry: fields
        }

        var update = _parser.HandleData(line[5..].Trim((byte)' '), this);
        if (_parser.IsDone)
        {
            _finished = true;
            update ??= _parser.Finish();
        }

        return Stamp(update);
    }

    private ChatResponseUpdate? Stamp(ChatResponseUpdate? update)
    {
        if (update is not null && _first)
        {
            update.RawRepresentation = _response; // status and headers for the layers above
            update.AdditionalProperties = RateLimitHeaders.Copy(_response, update.AdditionalProperties);
            _first = false;
        }

        return update;
    }

    /// <summary>Caller cancellation stays an <see cref="OperationCanceledException"/>; the pipeline's read timeout becomes a <see cref="TimeoutException"/>.</summary>
    private Exception? Map(Exception ex)
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            return ex as OperationCanceledException ?? new OperationCanceledException("The streaming call was cancelled.", ex, _cancellationToken);
        }

        return ex is OperationCanceledException ? _timeout(ex) : null;
    }

    public void Detach(ReadOnlySpan<byte> keep)
    {
        var original = _response.ContentStream;
        _response.ContentStream = new MemoryStream(keep.ToArray(), writable: false);
        original?.Dispose();
    }

    public void Dispose()
    {
        _registration.Dispose();
        _lines.Dispose();
        _owner.Dispose();
    }
}
