using Azure.Core;
using Mai.Client.Errors;

namespace Mai.Client.Transport;

/// <summary>
/// Tells the layers above whether a cancelled attempt had already sent its request: the sender's request content notes when its
/// last byte was written, and a cancellation after that (or after the response started) carries
/// <see cref="FailureFacts.RequestSentKey"/> in its <see cref="Exception.Data"/>, so metering records the attempt (the service may
/// bill it) instead of taking it for one that never reached the service.
/// </summary>
internal static class SentMarker
{
    /// <summary>Marks <paramref name="exception"/> as having happened after the request was sent; returns it.</summary>
    public static T Mark<T>(T exception)
        where T : Exception
    {
        exception.Data[FailureFacts.RequestSentKey] = true;
        return exception;
    }

    /// <summary>Request bytes for Azure.Core that note when they were written completely.</summary>
    public sealed class AzureContent(ReadOnlyMemory<byte> body) : RequestContent
    {
        public bool Written { get; private set; }

        public override void WriteTo(Stream stream, CancellationToken cancellation)
        {
            stream.Write(body.Span);
            Written = true;
        }

        public override async Task WriteToAsync(Stream stream, CancellationToken cancellation)
        {
            await stream.WriteAsync(body, cancellation).ConfigureAwait(false);
            Written = true;
        }

        public override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }

        public override void Dispose()
        {
        }
    }

    /// <summary>Request bytes for System.ClientModel that note when they were written completely (owns its copy of the body).</summary>
    public sealed class ClientModelContent(byte[] body) : System.ClientModel.BinaryContent
    {
        public bool Written { get; private set; }

        public override void WriteTo(Stream stream, CancellationToken cancellationToken = default)
        {
            stream.Write(body);
            Written = true;
        }

        public override async Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
        {
            await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
            Written = true;
        }

        public override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }

        public override void Dispose()
        {
        }
    }
}
