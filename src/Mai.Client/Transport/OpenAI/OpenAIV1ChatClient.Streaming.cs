using System.ClientModel.Primitives;
using System.Runtime.CompilerServices;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Streaming: one request, server-sent events read and parsed by <see cref="StreamingResponseReader"/>.</summary>
public sealed partial class OpenAIV1ChatClient
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
    /// <exception cref="TimeoutException">No response, or no next chunk, within <see cref="OpenAIV1ChatClientOptions.NetworkTimeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var includeUsage = _options.IncludeStreamUsage && !_streamOptionsRejected;
        var body = WriteBody(messages, options, _defaultModelId, stream: true, includeUsage, out _);
        return StreamAsync(messages, options, body, includeUsage, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options,
        ReadOnlyMemory<byte> body,
        bool includeUsage,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (message, response) = await StartStreamAsync(messages, options, body, includeUsage, cancellationToken).ConfigureAwait(false);
        using var reader = new StreamingResponseReader(response, message, Secret, NetworkTimeout, cancellationToken);
        if (reader.IsJsonBody)
        {
            // The server ignored "stream": answer the whole completion as updates rather than fail.
            var json = await reader.ReadWholeBodyAsync().ConfigureAwait(false);
            foreach (var update in AzureInferenceChatClient.ReadCompletion(response, json, Secret).ToChatResponseUpdates())
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
    private async Task<(PipelineMessage Message, PipelineResponseAdapter Response)> StartStreamAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options, ReadOnlyMemory<byte> body, bool includeUsage, CancellationToken cancellationToken)
    {
        if (includeUsage && _streamOptionsRejected)
        {
            body = WriteBody(messages, options, _defaultModelId, stream: true, includeStreamUsage: false, out _);
            includeUsage = false;
        }

        while (true)
        {
            var message = CreateMessage(body, stream: true, cancellationToken);
            try
            {
                await SendAsync(message, cancellationToken).ConfigureAwait(false);
                var response = message.Response ?? throw new InvalidOperationException("The pipeline completed without a response.");
                if (response.Status is >= 200 and < 300)
                {
                    return (message, new PipelineResponseAdapter(response, RequestIdOf(message)));
                }

                var content = await response.BufferContentAsync(cancellationToken).ConfigureAwait(false);
                var error = ServiceErrorReader.FromErrorResponse(TakeBufferedResponse(message, content), Secret);
                if (!includeUsage || !AzureInferenceChatClient.RejectsStreamOptions(error))
                {
                    throw error;
                }

                _streamOptionsRejected = true;
                includeUsage = false;
                body = WriteBody(messages, options, _defaultModelId, stream: true, includeStreamUsage: false, out _);
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

            message.Dispose();
        }
    }
}
