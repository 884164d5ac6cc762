using System.ClientModel;
using System.ClientModel.Primitives;
using Azure;
using Mai.Client.Errors;

namespace Mai.Client.Transport;

/// <summary>
/// Sends over a System.ClientModel <see cref="ClientPipeline"/> (the OpenAI SDK's): authentication, user agent and transport are
/// the pipeline's. Responses are shown as Azure <see cref="Response"/>s (<see cref="PipelineResponseAdapter"/>), so one error model
/// serves both transports; "no response" (<see cref="ClientResultException"/> without one) becomes <see cref="RequestFailedException"/>
/// with status 0, as on the Azure transport.
/// </summary>
/// <remarks>
/// Streams are read straight from the response body: <see cref="ClientPipeline"/> wraps a response in its SSE reconnection handler
/// (which follows redirects and reconnects on its own, and buffers) when the request's <c>Accept</c> names <c>text/event-stream</c> as
/// the pipeline starts; so on pipelines this library builds, <see cref="EventStreamAcceptPolicy"/> sets that header just before the
/// transport instead. A caller-built <c>OpenAIClient</c>'s pipeline lacks the policy and keeps the SDK's behaviour.
/// </remarks>
internal sealed class ClientModelChatSender(ClientPipeline pipeline, TimeSpan networkTimeout, SecretScrubber secrets, bool acceptPolicyInstalled) : IChatSender
{
    private const string ClientRequestIdHeader = "x-ms-client-request-id";

    public async Task<WireExchange> SendAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var message = pipeline.CreateMessage();
        try
        {
            message.Apply(new RequestOptions { CancellationToken = cancellationToken });
            message.BufferResponse = !request.Stream;
            // A stream's network timeout is the core's (NetworkDeadline, on the client's clock): the pipeline's would also time
            // every read of the body, on the real clock, and could end the body as if the service had closed it.
            message.NetworkTimeout = request.Stream ? Timeout.InfiniteTimeSpan : networkTimeout;
            var http = message.Request;
            http.Method = "POST";
            http.Uri = request.Uri;
            if (!request.Stream)
            {
                http.Headers.Set("Accept", "application/json");
            }
            else if (acceptPolicyInstalled)
            {
                message.SetProperty(typeof(EventStreamAcceptPolicy), true);
            }
            else
            {
                http.Headers.Set("Accept", "text/event-stream");
            }

            http.Headers.Set("Content-Type", "application/json");

            // Azure's client request id, as the Azure transport sends it: Azure echoes it, and an error without a server request id quotes it.
            var requestId = Guid.NewGuid().ToString();
            http.Headers.Set(ClientRequestIdHeader, requestId);
            foreach (var (name, value) in request.Headers)
            {
                http.Headers.Set(name, value);
            }

            // The message keeps the body for its whole life, so it gets its own copy (the caller's pooled buffer goes back earlier).
            var content = new SentMarker.ClientModelContent(request.Body.ToArray());
            http.Content = content;
            try
            {
                await pipeline.SendAsync(message).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (content.Written)
            {
                throw SentMarker.Mark(ex); // the service has the request: the attempt may be billed
            }
            catch (ClientResultException ex) when (ex.GetRawResponse() is null)
            {
                throw new WireSendException(null, requestId, new RequestFailedException(0, secrets.Scrub(ex.Message), ex)); // no response
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && message.Response is { } started)
            {
                throw new WireSendException(new PipelineResponseAdapter(started, requestId), requestId, ex); // a buffered body broke after the headers
            }

            var response = message.Response ?? throw new InvalidOperationException("The pipeline completed without a response.");
            if (request.Stream)
            {
                return new Exchange(message, new PipelineResponseAdapter(response, requestId), streamed: true);
            }

            // Buffered: detach the response so that it outlives the message (as raw representation or on an exception).
            var extracted = message.ExtractResponse()!;
            return new Exchange(message, new PipelineResponseAdapter(extracted, requestId, extracted.Content), streamed: false);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private sealed class Exchange(PipelineMessage message, PipelineResponseAdapter response, bool streamed) : WireExchange
    {
        public override Response Response => response;

        public override async Task<Response> BufferBodyAsync(int maxBytes, CancellationToken cancellationToken)
        {
            if (response.ContentStream is null or MemoryStream)
            {
                return response;
            }

            var original = response.ContentStream;
            var body = await ReadCappedAsync(original, maxBytes, cancellationToken).ConfigureAwait(false);
            var extracted = message.ExtractResponse() ?? response.Inner;
            extracted.ContentStream = new MemoryStream(body, writable: false);
            await original.DisposeAsync().ConfigureAwait(false);
            return new PipelineResponseAdapter(extracted, response.ClientRequestId, new BinaryData(body));
        }

        public override void Dispose()
        {
            if (streamed && message.Response is { } owned && owned.ContentStream is MemoryStream { Position: > 0 } read)
            {
                // A body answered from memory (an application's test handler) that the core has read: on dispose the pipeline's
                // response would try to buffer it as an unread buffered body, and throw. It is released here instead.
                owned.ContentStream = null;
                read.Dispose();
            }

            message.Dispose();
        }
    }
}

/// <summary>Sets <c>Accept: text/event-stream</c> on a streaming request just before the transport (see <see cref="ClientModelChatSender"/>).</summary>
internal sealed class EventStreamAcceptPolicy : PipelinePolicy
{
    private EventStreamAcceptPolicy()
    {
    }

    public static EventStreamAcceptPolicy Instance { get; } = new();

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        SetAccept(message);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        SetAccept(message);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    private static void SetAccept(PipelineMessage message)
    {
        if (message.TryGetProperty(typeof(EventStreamAcceptPolicy), out _))
        {
            message.Request.Headers.Set("Accept", "text/event-stream");
        }
    }
}
