using System.Runtime.ExceptionServices;
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
/// chunk over lines, and per-line handling also survives servers that omit the blank separator line. Every read is timed by the
/// exchange's <see cref="NetworkDeadline"/>, whose token also follows the caller's; the caller's token additionally disposes the
/// response, so a read stalled on a silent server ends at once.
/// </remarks>
internal sealed class SseResponseReader : IStreamBody, IDisposable
{
    private readonly WireExchange _owner;
    private readonly Response _response;
    private readonly SecretScrubber _secrets;
    private readonly Func<Exception, TimeoutException> _timeout;
    private readonly NetworkDeadline _deadline;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private readonly SseLineReader _lines;
    private readonly IStreamEventParser _parser;
    private bool _finished;
    private bool _first = true;
    private ExceptionDispatchInfo? _pendingError;

    /// <summary>Reads <paramref name="exchange"/>'s response with <paramref name="parser"/>; disposes the exchange at the end.</summary>
    public SseResponseReader(WireExchange exchange, IStreamEventParser parser, SecretScrubber secrets, Func<Exception, TimeoutException> timeout, NetworkDeadline deadline, CancellationToken cancellationToken)
    {
        _deadline = deadline;
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
                var chunk = new byte[16 * 1024];
                while (await ReadTimedAsync(stream, chunk).ConfigureAwait(false) is > 0 and var read)
                {
                    buffer.Write(chunk, 0, read);
                }
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
        if (_pendingError is { } pending)
        {
            _pendingError = null;
            pending.Throw();
        }

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
                _deadline.Start();
                try
                {
                    more = await _lines.FillAsync(_deadline.Token).ConfigureAwait(false);
                }
                finally
                {
                    _deadline.Stop();
                }
            }
            catch (Exception ex) when (Map(ex) is { } mapped)
            {
                // The service may already have reported usage: it goes with the failure, so it is never lost (issue 12, item 3).
                return Fail(mapped);
            }

            if (!more && _deadline.Expired)
            {
                // The deadline cancelled the read, and the body ended instead of the read failing: still the timeout.
                return Fail(_timeout(new OperationCanceledException(_deadline.Token)));
            }

            if (!more)
            {
                _finished = true;
                if (!_parser.IsComplete)
                {
                    Detach([]);
                    var truncated = ServiceErrorReader.Truncated(_response, _parser.Events, _secrets);
                    if (_parser.TakeUsage() is { } usage)
                    {
                        return DeliverThenFail(usage, truncated);
                    }

                    throw truncated;
                }

                return Stamp(_parser.Finish(this));
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

        ChatResponseUpdate? update;
        try
        {
            update = _parser.HandleData(line[5..].Trim((byte)' '), this);
            if (_parser.IsDone)
            {
                _finished = true;
                update ??= _parser.Finish(this);
            }
        }
        catch (Exception ex) when (ex is MaiServiceException or InvalidOperationException or ArgumentException or System.Text.Json.JsonException)
        {
            // A parser's typed error, or a payload its reader could not decode (invalid UTF-8, a lone surrogate escape): the
            // typed protocol error, with the usage reported so far.
            return Fail(ex as MaiServiceException
                ?? ServiceErrorReader.InvalidResponse(_response, $"stream event {_parser.Events} was not valid UTF-8 JSON", ex, _secrets));
        }

        return Stamp(update);
    }

    /// <summary>Ends the stream with <paramref name="error"/>, delivering the usage the service reported so far (if the error does not
    /// already carry it) before it.</summary>
    private ChatResponseUpdate? Fail(Exception error)
    {
        _finished = true;
        if (error is OperationCanceledException or MaiServiceException { Usage: not null } || _parser.TakeUsage() is not { } usage)
        {
            throw error;
        }

        return DeliverThenFail(usage, error);
    }

    /// <summary>Returns <paramref name="usage"/>; the next read throws <paramref name="error"/>.</summary>
    /// <remarks>
    /// Before any update reached the layers above (the Messages API reports input tokens in its first event), the usage rides
    /// on the service exception instead: a usage-only update would be the stream's first, and would stop the retry a
    /// failure before the first update deserves.
    /// </remarks>
    private ChatResponseUpdate? DeliverThenFail(ChatResponseUpdate usage, Exception error)
    {
        if (_first && error is MaiServiceException { Usage: null } service && usage.Contents.OfType<UsageContent>().FirstOrDefault() is { } reported)
        {
            service.Usage = reported.Details;
            throw service;
        }

        _finished = true;
        _pendingError = ExceptionDispatchInfo.Capture(error);
        return Stamp(usage);
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
    private async Task<int> ReadTimedAsync(Stream stream, byte[] buffer)
    {
        _deadline.Start();
        try
        {
            return await stream.ReadAsync(buffer, _deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            _deadline.Stop();
        }
    }

    private Exception? Map(Exception ex)
    {
        if (ex is SseLineTooLongException tooLong)
        {
            Detach([]);
            return ServiceErrorReader.InvalidResponse(_response, $"a server-sent events line exceeded {tooLong.MaxBytes} bytes", tooLong, _secrets, code: ServiceErrorReader.ResponseTooLargeCode);
        }

        if (_cancellationToken.IsCancellationRequested)
        {
            // After the response started: the service has the request, so the attempt may be billed.
            return SentMarker.Mark(ex as OperationCanceledException ?? new OperationCanceledException("The streaming call was cancelled.", ex, _cancellationToken));
        }

        if (ex is OperationCanceledException || _deadline.Expired)
        {
            return _timeout(ex);
        }

        if (ex is IOException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            // The connection broke after the headers (a reset, an unmet Content-Length, bad chunked framing): typed, with the status.
            Detach([]);
            return ServiceErrorReader.ConnectionFailure(_response, ex, _secrets);
        }

        return null;
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
