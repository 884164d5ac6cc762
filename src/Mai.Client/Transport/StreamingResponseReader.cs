using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Reads one streamed chat completion: server-sent events line by line from the unbuffered response, each <c>data:</c> payload
/// parsed once, mapped to at most one <see cref="ChatResponseUpdate"/>. Owns the message that carries the response and disposes it.
/// </summary>
/// <remarks>
/// Each <c>data:</c> line is taken as one event. The SSE spec would join consecutive data lines, but no chat service splits a JSON
/// chunk over lines, and per-line handling also survives servers that omit the blank separator line. The caller's token is passed
/// to every read and additionally disposes the response, so a read stalled on a silent server ends at once.
/// </remarks>
internal sealed class StreamingResponseReader : IDisposable
{
    private readonly IDisposable _owner;
    private readonly Response _response;
    private readonly string? _secret;
    private readonly Func<Exception, TimeoutException> _timeout;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenRegistration _registration;
    private readonly SseLineReader _lines;
    private readonly CompletionParser _parser = new();
    private readonly ToolCallAccumulator _toolCalls = new();
    private StringBuilder? _refusal;
    private UsageDetails? _usage;
    private DateTimeOffset? _createdAt;
    private long? _createdSeconds;
    private bool _sawDone;
    private bool _sawFinish;
    private bool _finished;
    private bool _first = true;
    private int _events;
    private ExceptionDispatchInfo? _pendingError;

    public StreamingResponseReader(HttpMessage message, string? secret, Func<Exception, TimeoutException> timeout, CancellationToken cancellationToken)
        : this(message.Response, message, secret, timeout, cancellationToken)
    {
    }

    /// <summary>Reads <paramref name="response"/> (any pipeline's, seen as an Azure <see cref="Response"/>); disposes <paramref name="owner"/> at the end.</summary>
    public StreamingResponseReader(Response response, IDisposable owner, string? secret, Func<Exception, TimeoutException> timeout, CancellationToken cancellationToken)
    {
        _owner = owner;
        _response = response;
        _secret = secret;
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
                more = await _lines.FillAsync(_cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (_usage is not null && !_cancellationToken.IsCancellationRequested)
            {
                // The service already reported usage: deliver it before the failure, so it is never lost (issue 12, item 3).
                return DeliverUsageThenFail(Map(ex) ?? ex);
            }
            catch (Exception ex) when (Map(ex) is { } mapped)
            {
                throw mapped;
            }

            if (!more)
            {
                _finished = true;
                if (!_sawDone && !_sawFinish)
                {
                    DetachStream([]);
                    var truncated = ServiceErrorReader.Truncated(_response, _events, _secret);
                    if (_usage is not null)
                    {
                        return DeliverUsageThenFail(truncated);
                    }

                    throw truncated;
                }

                return Finish();
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

        var data = line[5..].Trim((byte)' ');
        if (data.SequenceEqual("[DONE]"u8))
        {
            _sawDone = true;
            _finished = true;
            return Finish();
        }

        _events++;
        try
        {
            _parser.Parse(data);
        }
        catch (JsonException ex)
        {
            DetachStream(data);
            throw ServiceErrorReader.InvalidResponse(_response, $"stream event {_events} was not valid JSON", ex, _secret);
        }

        if (_parser.HasError)
        {
            DetachStream(data);
            throw ServiceErrorReader.FromStreamErrorEvent(_response, data, _secret);
        }

        return MapChunk();
    }

    private ChatResponseUpdate? MapChunk()
    {
        if (_parser.Usage is { } usage)
        {
            _usage = usage; // the last one wins: some servers repeat cumulative usage on every chunk
        }

        if (!_parser.HasChoice)
        {
            return null; // prompt_filter_results or usage-only chunk
        }

        // Most chunks carry one delta: size the list for it (a default list would allocate room for four).
        List<AIContent>? contents = null;
        if (!string.IsNullOrEmpty(_parser.Reasoning))
        {
            (contents ??= new List<AIContent>(1)).Add(new TextReasoningContent(_parser.Reasoning));
        }

        if (!string.IsNullOrEmpty(_parser.Content))
        {
            (contents ??= new List<AIContent>(1)).Add(new TextContent(_parser.Content));
        }

        if (!string.IsNullOrEmpty(_parser.Refusal))
        {
            (_refusal ??= new StringBuilder()).Append(_parser.Refusal);
        }

        foreach (var fragment in _parser.ToolCalls)
        {
            _toolCalls.Add(fragment);
        }

        ChatFinishReason? finishReason = null;
        if (_parser.FinishReason is { } reason)
        {
            _sawFinish = true;
            finishReason = reason switch
            {
                "stop" => ChatFinishReason.Stop,
                "length" => ChatFinishReason.Length,
                "tool_calls" => ChatFinishReason.ToolCalls,
                "content_filter" => ChatFinishReason.ContentFilter,
                _ => new ChatFinishReason(reason),
            };
            if (_toolCalls.HasPending)
            {
                _toolCalls.Flush(contents ??= []);
            }
        }

        return contents is null && finishReason is null ? null : CreateUpdate(contents, finishReason);
    }

    /// <summary>The last update: tool calls never closed by a finish reason, a refusal, and the usage (once).</summary>
    private ChatResponseUpdate? Finish()
    {
        List<AIContent>? contents = null;
        if (_toolCalls.HasPending)
        {
            _toolCalls.Flush(contents ??= []);
        }

        if (_refusal is not null)
        {
            (contents ??= []).Add(new ErrorContent(_refusal.ToString()) { ErrorCode = "refusal" });
        }

        if (_usage is not null)
        {
            (contents ??= []).Add(new UsageContent(_usage));
        }

        return contents is null ? null : CreateUpdate(contents, null);
    }

    /// <summary>Returns an update carrying the usage received so far; the next read throws <paramref name="error"/>.</summary>
    private ChatResponseUpdate DeliverUsageThenFail(Exception error)
    {
        _finished = true;
        _pendingError = ExceptionDispatchInfo.Capture(error);
        var update = CreateUpdate([new UsageContent(_usage!)], null);
        _usage = null;
        return update;
    }

    private ChatResponseUpdate CreateUpdate(List<AIContent>? contents, ChatFinishReason? finishReason)
    {
        var id = _parser.Id;
        if (_parser.Created is long created && created != _createdSeconds)
        {
            _createdSeconds = created;
            _createdAt = created < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(created) : null;
        }

        var update = new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = id,
            MessageId = id,
            ModelId = _parser.Model,
            CreatedAt = _createdAt,
            FinishReason = finishReason,
        };
        if (_first)
        {
            update.RawRepresentation = _response; // status and headers for the layers above
            update.AdditionalProperties = RateLimitHeaders.Copy(_response, update.AdditionalProperties);
            _first = false;
        }

        return update;
    }

    /// <summary>Caller cancellation stays an <see cref="OperationCanceledException"/>; Azure.Core's read timeout becomes a <see cref="TimeoutException"/>.</summary>
    private Exception? Map(Exception ex)
    {
        if (_cancellationToken.IsCancellationRequested)
        {
            return ex as OperationCanceledException ?? new OperationCanceledException("The streaming call was cancelled.", ex, _cancellationToken);
        }

        return ex is OperationCanceledException ? _timeout(ex) : null;
    }

    private void DetachStream(ReadOnlySpan<byte> keep)
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
