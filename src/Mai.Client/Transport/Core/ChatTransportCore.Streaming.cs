using System.Runtime.CompilerServices;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Streaming: one request (two when the endpoint rejects the stream-usage option), events read by <see cref="SseResponseReader"/>.</summary>
internal sealed partial class ChatTransportCore
{
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        StrongBox<PooledBufferWriter?> firstBody,
        bool hasExtraFields,
        bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The body written up front serves the first enumeration; another enumeration of the same sequence writes its own.
        // Each goes back to the pool only after the exchange that sends it is disposed (with the reader, below).
        var body = Interlocked.Exchange(ref firstBody.Value, null)
            ?? _wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: true, includeUsage, out hasExtraFields);
        using var request = new StreamRequest(body, hasExtraFields, includeUsage);
        using var deadline = new NetworkDeadline(_settings.NetworkTimeout, _time, cancellationToken);
        var exchange = await StartStreamAsync(messages, options, request, deadline, cancellationToken).ConfigureAwait(false);
        if (NotAnEventStream(exchange.Response) is { } what)
        {
            using (exchange)
            {
                var response = await BufferBodyAsync(exchange, MaxQuotedBodyBytes, deadline).ConfigureAwait(false);
                throw ServiceErrorReader.InvalidResponse(response, what, null, Secrets);
            }
        }

        using var reader = new SseResponseReader(exchange, _wire.CreateStreamParser(exchange.Response, Secrets), Secrets, _timeoutFactory, deadline, cancellationToken);
        if (reader.IsJsonBody)
        {
            // The server ignored "stream": answer the whole completion as updates rather than fail.
            var json = await reader.ReadWholeBodyAsync().ConfigureAwait(false);
            foreach (var update in ReadResponse(exchange.Response, json).ToChatResponseUpdates())
            {
                yield return update;
            }

            yield break;
        }

        while (await reader.ReadNextAsync().ConfigureAwait(false) is { } update)
        {
            yield return update;
        }
    }

    /// <summary>Sends the streaming request; on a rejection of the stream-usage option remembers it and sends once more without.</summary>
    private async Task<WireExchange> StartStreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, StreamRequest request, NetworkDeadline deadline, CancellationToken cancellationToken)
    {
        if (request.IncludeUsage && _streamUsageRejected)
        {
            request.Replace(_wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: true, includeStreamUsage: false, out var extra), extra, includeUsage: false);
        }

        while (true)
        {
            var exchange = await SendAsync(request.Body.WrittenMemory, request.HasExtraFields, deadline, cancellationToken).ConfigureAwait(false);
            try
            {
                if (exchange.Response.Status is >= 200 and < 300)
                {
                    return exchange;
                }

                var response = await BufferBodyAsync(exchange, MaxErrorBodyBytes, deadline).ConfigureAwait(false);
                var error = RedirectError(response) ?? _wire.ReadError(response, Secrets);
                if (!request.IncludeUsage || !_wire.RejectsStreamUsageOption(error))
                {
                    throw error;
                }

                _streamUsageRejected = true;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                exchange.Dispose();
                throw NetworkTimeout(ex); // the error body did not arrive in time
            }
            catch (OperationCanceledException ex)
            {
                exchange.Dispose();
                throw SentMarker.Mark(ex); // cancelled while an error body was read: the service had the request
            }
            catch
            {
                exchange.Dispose();
                throw;
            }

            exchange.Dispose(); // before its body is replaced (and returned to the pool)
            request.Replace(_wire.WriteRequest(messages, options, _settings.DefaultModelId, stream: true, includeStreamUsage: false, out var hasExtraFields), hasExtraFields, includeUsage: false);
        }
    }

    /// <summary>The body of a streaming request and how it was written; owns the pooled body.</summary>
    private sealed class StreamRequest(PooledBufferWriter body, bool hasExtraFields, bool includeUsage) : IDisposable
    {
        public PooledBufferWriter Body { get; private set; } = body;

        public bool HasExtraFields { get; private set; } = hasExtraFields;

        public bool IncludeUsage { get; private set; } = includeUsage;

        public void Replace(PooledBufferWriter body, bool hasExtraFields, bool includeUsage)
        {
            Body.Dispose();
            Body = body;
            HasExtraFields = hasExtraFields;
            IncludeUsage = includeUsage;
        }

        public void Dispose() => Body.Dispose();
    }
}
