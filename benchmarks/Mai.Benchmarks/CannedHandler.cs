using System.Net;
using System.Net.Http.Headers;

namespace Mai.Benchmarks;

/// <summary>
/// An in-process server: drains the request body (so clients that serialise lazily pay for it, as on a socket) and answers with
/// the same canned bytes every time, as <see cref="ByteArrayContent"/> (Azure.Core misreads StreamContent over a seekable MemoryStream).
/// </summary>
public sealed class CannedHandler(byte[] body, string contentType) : HttpMessageHandler
{
    private readonly byte[] _body = body;
    private readonly string _contentType = contentType;

    public long Requests { get; private set; }

    public long RequestBytes { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } content)
        {
            var counter = new CountingStream();
            await content.CopyToAsync(counter, cancellationToken).ConfigureAwait(false);
            RequestBytes = counter.Count;
        }

        Requests++;
        var response = new HttpResponseMessage(HttpStatusCode.OK)
        {
            RequestMessage = request,
            Content = new ByteArrayContent(_body),
        };
        response.Content.Headers.ContentType = new MediaTypeHeaderValue(_contentType) { CharSet = "utf-8" };
        response.Headers.TryAddWithoutValidation("x-request-id", "7f3a9c1e-2b4d-4e6f-8a0b-1c2d3e4f5a6b");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-requests", "9999");
        response.Headers.TryAddWithoutValidation("x-ratelimit-remaining-tokens", "1999000");
        return response;
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken) =>
        SendAsync(request, cancellationToken).GetAwaiter().GetResult();

    private sealed class CountingStream : Stream
    {
        public long Count { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => Count;

        public override long Position { get => Count; set => throw new NotSupportedException(); }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Count += count;

        public override void Write(ReadOnlySpan<byte> buffer) => Count += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Count += count;
            return Task.CompletedTask;
        }
    }
}
