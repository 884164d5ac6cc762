using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace Mai.Client.Transport;

/// <summary>
/// The one redirect rule of every transport: no request ever follows a redirect. Both SDK pipelines send through an
/// <see cref="HttpClient"/> this class builds, so the rule holds whatever the SDKs' defaults are:
/// <list type="bullet">
/// <item>Without a caller-supplied client: one shared <see cref="SocketsHttpHandler"/> with <see cref="SocketsHttpHandler.AllowAutoRedirect"/>
/// off. A 3xx comes back as a response, and <see cref="ChatTransportCore"/> reports it as a typed error that names the target origin
/// (the credential stays with the configured endpoint; nothing loops).</item>
/// <item>With a caller-supplied client (options <c>HttpClient</c>, e.g. from <c>IHttpClientFactory</c>): its handler is private and may
/// follow redirects by itself, so the request is sent as a copy through it and the final request URI is checked; a response from
/// another URI fails with the same typed error and is never read. Configure that client's primary handler with
/// <c>AllowAutoRedirect = false</c> so the credential cannot even reach the redirect target (the transport cannot switch it off).</item>
/// </list>
/// </summary>
internal static class RedirectGuard
{
    private static readonly Lazy<HttpClient> s_shared = new(() => CreateShared(System.Net.DecompressionMethods.None));

    /// <summary>The same, accepting gzip (the Messages API gzips JSON and SSE alike).</summary>
    private static readonly Lazy<HttpClient> s_sharedDecompressing = new(() => CreateShared(System.Net.DecompressionMethods.All));

    private static HttpClient CreateShared(System.Net.DecompressionMethods decompression) => new(
        new OriginCheckHandler(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = decompression,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5), // follow DNS changes
        }))
    {
        Timeout = Timeout.InfiniteTimeSpan, // the transport's NetworkTimeout governs
    };

    /// <summary>
    /// Turns automatic redirects off on the primary handler of the <c>IHttpClientFactory</c> client named <paramref name="clientName"/>
    /// (a post-configuration, so it applies after the application's own handler configuration). Does nothing without a factory.
    /// </summary>
    public static void TurnOffRedirects(IServiceCollection services, string clientName) =>
        services.PostConfigure<HttpClientFactoryOptions>(clientName, options => options.HttpMessageHandlerBuilderActions.Add(static builder =>
        {
            switch (builder.PrimaryHandler)
            {
                case SocketsHttpHandler sockets:
                    sockets.AllowAutoRedirect = false;
                    break;
                case HttpClientHandler handler:
                    handler.AllowAutoRedirect = false;
                    break;
            }
        }));

    /// <summary>Gets the client the SDK transport sends through: the shared non-redirecting one, or a guard over <paramref name="callerClient"/>.</summary>
    /// <param name="callerClient">The caller's client, or none.</param>
    /// <param name="decompress">Whether the shared client (used without a caller's) accepts gzip and deflate.</param>
    public static HttpClient ClientFor(HttpClient? callerClient, bool decompress = false) =>
        callerClient is null
            ? (decompress ? s_sharedDecompressing : s_shared).Value
            : new HttpClient(new OriginCheckHandler(new ForwardingHandler(callerClient)), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Fails a response that did not come from the URI the request was sent to (a redirect the inner handler followed).</summary>
    private sealed class OriginCheckHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var sent = request.RequestUri!;
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var final = response.RequestMessage?.RequestUri;
            if (final is not null && final != sent)
            {
                var status = (int)response.StatusCode;
                response.Dispose();
                throw new RedirectFollowedException(final, status);
            }

            return response;
        }
    }

    /// <summary>Sends a copy of each request through a caller's <see cref="HttpClient"/> (which refuses a message another client already sent).</summary>
    private sealed class ForwardingHandler(HttpClient client) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var copy = new HttpRequestMessage(request.Method, request.RequestUri)
            {
                Content = request.Content,
                Version = request.Version,
                VersionPolicy = request.VersionPolicy,
            };
            // NonValidated: the stored strings as they are (the validated view parses each header and copies its values into an array).
            foreach (var header in request.Headers.NonValidated)
            {
                if (header.Value.Count == 1)
                {
                    copy.Headers.TryAddWithoutValidation(header.Key, header.Value.ToString());
                }
                else
                {
                    foreach (var value in header.Value)
                    {
                        copy.Headers.TryAddWithoutValidation(header.Key, value);
                    }
                }
            }

            var options = (IDictionary<string, object?>)request.Options;
            if (options.Count > 0)
            {
                foreach (var option in options)
                {
                    ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
                }
            }

            return client.SendAsync(copy, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }
}

/// <summary>A caller-supplied HTTP client followed a redirect; <see cref="ChatTransportCore"/> turns it into the typed redirect error.</summary>
internal sealed class RedirectFollowedException(Uri target, int status)
    : Exception("The HTTP client followed a redirect to " + target.GetLeftPart(UriPartial.Authority) + ".")
{
    public Uri Target { get; } = target;

    public int FinalStatus { get; } = status;
}
