using System.Runtime.CompilerServices;
using Azure;
using Azure.Core;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Streaming: one request, server-sent events read and parsed by <see cref="StreamingResponseReader"/>.</summary>
public sealed partial class AzureInferenceChatClient
{
    /// <summary>Sends the conversation and streams the answer, one update per useful delta.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call, interrupting a read that is waiting for the server.</param>
    /// <returns>The updates: reasoning deltas as <see cref="TextReasoningContent"/>, text deltas, complete tool calls on the finishing
    /// update, and usage as <see cref="UsageContent"/> on a last update (absent when the service sent none).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">There is no message, or an additional property collides with a modelled field (the message names the key).</exception>
    /// <exception cref="ContentFilterException">The service's content filter refused the prompt (raised on the first enumeration step).</exception>
    /// <exception cref="StreamTruncatedException">The stream ended without <c>data: [DONE]</c> and without a finish reason.</exception>
    /// <exception cref="MaiServiceException">The service answered with an error status, sent an <c>{"error": …}</c> event inside the stream
    /// (its code and message), or sent an event that was not valid JSON (<see cref="RequestFailedException.ErrorCode"/> <c>"invalid_response"</c>).</exception>
    /// <exception cref="RequestFailedException">No response arrived (connection refused, DNS, TLS): <see cref="RequestFailedException.Status"/> is 0.</exception>
    /// <exception cref="IOException">The connection broke in the middle of the stream.</exception>
    /// <exception cref="TimeoutException">No response, or no next chunk, within <see cref="AzureInferenceChatClientOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var includeUsage = _options.IncludeStreamUsage && !_streamOptionsRejected;
        var body = ChatRequestWriter.Write(messages, options, _options.DefaultModelId, stream: true, includeUsage, out var hasExtraFields);
        return StreamAsync(messages, options, new StrongBox<PooledBufferWriter?>(body), hasExtraFields, includeUsage, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        StrongBox<PooledBufferWriter?> firstBody,
        bool hasExtraFields,
        bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The body written up front serves the first enumeration; another enumeration of the same sequence writes its own.
        // Each goes back to the pool only after the message that sends it is disposed (with the reader, below).
        var body = Interlocked.Exchange(ref firstBody.Value, null)
            ?? ChatRequestWriter.Write(messages, options, _options.DefaultModelId, stream: true, includeUsage, out hasExtraFields);
        var request = new StreamRequest(body, hasExtraFields, includeUsage);
        using var bodyOwner = request;
        var message = await StartStreamAsync(messages, options, request, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamingResponseReader(message, Secret, _timeoutFactory ??= NetworkTimeout, cancellationToken);
        if (reader.IsJsonBody)
        {
            // The server ignored "stream": answer the whole completion as updates rather than fail.
            var json = await reader.ReadWholeBodyAsync().ConfigureAwait(false);
            foreach (var update in ReadCompletion(message.Response, json, Secret).ToChatResponseUpdates())
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

    /// <summary>Sends the streaming request; on a rejection of <c>stream_options</c> remembers it and sends once more without.</summary>
    private async Task<HttpMessage> StartStreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, StreamRequest request, CancellationToken cancellationToken)
    {
        if (request.IncludeUsage && _streamOptionsRejected)
        {
            request.Replace(ChatRequestWriter.Write(messages, options, _options.DefaultModelId, stream: true, includeStreamUsage: false, out var extra), extra, includeUsage: false);
        }

        while (true)
        {
            var message = CreateMessage(request.Body.WrittenMemory, request.HasExtraFields, stream: true);
            try
            {
                await SendAsync(message, cancellationToken).ConfigureAwait(false);
                var response = message.Response;
                if (response.Status is >= 200 and < 300)
                {
                    return message;
                }

                await BufferErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
                var error = ServiceErrorReader.FromErrorResponse(response, Secret);
                if (!request.IncludeUsage || !RejectsStreamOptions(error))
                {
                    throw error;
                }

                _streamOptionsRejected = true;
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                message.Dispose();
                throw NetworkTimeout(ex); // the error body did not arrive in time
            }
            catch
            {
                message.Dispose();
                throw;
            }

            message.Dispose(); // before its body is replaced (and returned to the pool)
            request.Replace(ChatRequestWriter.Write(messages, options, _options.DefaultModelId, stream: true, includeStreamUsage: false, out var hasExtraFields), hasExtraFields, includeUsage: false);
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

    /// <summary>Tells whether an error says the endpoint does not accept <c>stream_options</c>; shared with <see cref="OpenAIV1ChatClient"/>.</summary>
    internal static bool RejectsStreamOptions(MaiServiceException error) =>
        error.Status is 400 or 422
        && (string.Equals(error.Param, "stream_options", StringComparison.OrdinalIgnoreCase)
            || (error.ServiceMessage?.Contains("stream_options", StringComparison.OrdinalIgnoreCase) ?? false));
}
