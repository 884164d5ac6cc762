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
internal sealed class ClientModelChatSender(ClientPipeline pipeline, TimeSpan networkTimeout, SecretScrubber secrets) : IChatSender
{
    private const string ClientRequestIdHeader = "x-ms-client-request-id";

    public async Task<WireExchange> SendAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var message = pipeline.CreateMessage();
        try
        {
            message.Apply(new RequestOptions { CancellationToken = cancellationToken });
            message.BufferResponse = !request.Stream;
            message.NetworkTimeout = networkTimeout;
            var http = message.Request;
            http.Method = "POST";
            http.Uri = request.Uri;
            http.Headers.Set("Accept", request.Stream ? "text/event-stream" : "application/json");
            http.Headers.Set("Content-Type", "application/json");

            // Azure's client request id, as the Azure transport sends it: Azure echoes it, and an error without a server request id quotes it.
            var requestId = Guid.NewGuid().ToString();
            http.Headers.Set(ClientRequestIdHeader, requestId);
            foreach (var (name, value) in request.Headers)
            {
                http.Headers.Set(name, value);
            }

            // The message keeps the body for its whole life, so it gets its own copy (the caller's pooled buffer goes back earlier).
            http.Content = BinaryContent.Create(new BinaryData(request.Body.ToArray()));
            try
            {
                await pipeline.SendAsync(message).ConfigureAwait(false);
            }
            catch (ClientResultException ex) when (ex.GetRawResponse() is null)
            {
                throw new RequestFailedException(0, secrets.Scrub(ex.Message), ex);
            }

            var response = message.Response ?? throw new InvalidOperationException("The pipeline completed without a response.");
            if (request.Stream)
            {
                return new Exchange(message, new PipelineResponseAdapter(response, requestId));
            }

            // Buffered: detach the response so that it outlives the message (as raw representation or on an exception).
            var extracted = message.ExtractResponse()!;
            return new Exchange(message, new PipelineResponseAdapter(extracted, requestId, extracted.Content));
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private sealed class Exchange(PipelineMessage message, PipelineResponseAdapter response) : WireExchange
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

        public override void Dispose() => message.Dispose();
    }
}
