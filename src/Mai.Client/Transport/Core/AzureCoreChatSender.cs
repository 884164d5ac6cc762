using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Mai.Client.Transport;

/// <summary>Sends over an Azure.Core <see cref="HttpPipeline"/> (the Azure.AI.Inference SDK's): credentials, client request id,
/// user agent and diagnostics are the pipeline's; the body and the response bytes are the core's.</summary>
internal sealed class AzureCoreChatSender(HttpPipeline pipeline, TimeSpan networkTimeout) : IChatSender
{
    public async Task<WireExchange> SendAsync(WireRequest request, CancellationToken cancellationToken)
    {
        var message = pipeline.CreateMessage();
        try
        {
            message.BufferResponse = !request.Stream;
            // A stream's network timeout is the core's (NetworkDeadline, on the client's clock): the pipeline's would also time
            // every read of the body, on the real clock, and could end the body as if the service had closed it.
            message.NetworkTimeout = request.Stream ? Timeout.InfiniteTimeSpan : networkTimeout;
            var http = message.Request;
            http.Method = RequestMethod.Post;
            http.Uri.Reset(request.Uri);
            http.Headers.SetValue(HttpHeader.Names.Accept, request.Stream ? "text/event-stream" : "application/json");
            http.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
            if (request.HasExtraFields)
            {
                // The SDK adds this only to non-streaming calls; the service may reject unknown fields without it (wire-protocol §1.2).
                http.Headers.SetValue("extra-parameters", "pass-through");
            }

            foreach (var (name, value) in request.Headers)
            {
                http.Headers.SetValue(name, value);
            }

            var content = new SentMarker.AzureContent(request.Body);
            http.Content = content;
            try
            {
                await pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException ex) when (content.Written)
            {
                throw SentMarker.Mark(ex); // the service has the request: the attempt may be billed
            }
            catch (RequestFailedException ex) when (ex.Status == 0)
            {
                throw new WireSendException(null, http.ClientRequestId, ex); // no response: refused, reset, DNS, TLS
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && message.HasResponse)
            {
                throw new WireSendException(message.Response, http.ClientRequestId, ex); // a buffered body broke after the headers
            }

            return new Exchange(message);
        }
        catch
        {
            message.Dispose();
            throw;
        }
    }

    private sealed class Exchange(HttpMessage message) : WireExchange
    {
        public override Response Response => message.Response;

        public override async Task<Response> BufferBodyAsync(int maxBytes, CancellationToken cancellationToken)
        {
            var response = message.Response;
            if (response.ContentStream is null or MemoryStream)
            {
                return response;
            }

            var original = response.ContentStream;
            response.ContentStream = new MemoryStream(await ReadCappedAsync(original, maxBytes, cancellationToken).ConfigureAwait(false), writable: false);
            await original.DisposeAsync().ConfigureAwait(false);
            return response;
        }

        public override void Dispose() => message.Dispose();
    }
}
