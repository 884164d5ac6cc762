using Azure;

namespace Mai.Client.Errors;

/// <summary>A streamed response ended before it was complete: the connection closed without <c>data: [DONE]</c> and without a finish reason.</summary>
/// <remarks>The text received so far is incomplete. <see cref="RequestFailedException.ErrorCode"/> is <c>"stream_truncated"</c>.</remarks>
public sealed class StreamTruncatedException : MaiServiceException
{
    /// <summary>The <see cref="RequestFailedException.ErrorCode"/> of a truncated stream.</summary>
    public const string Code = "stream_truncated";

    internal StreamTruncatedException(Response response, ServiceErrorDetails details, string message, int eventsReceived)
        : base(response, details, message)
    {
        EventsReceived = eventsReceived;
    }

    /// <summary>Gets how many server-sent events arrived before the stream ended.</summary>
    public int EventsReceived { get; }
}
