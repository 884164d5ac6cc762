using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Streaming: one request, server-sent events read by the shared <see cref="ChatTransportCore"/>.</summary>
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
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        _core.GetStreamingResponseAsync(messages, options, cancellationToken);
}
