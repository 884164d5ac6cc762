using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using Azure;
using Mai.Client.Errors;
using OpenAI;

namespace Mai.Client.Transport;

/// <summary>Endpoint resolution, SDK pipeline setup and the one HTTP send per call.</summary>
public sealed partial class OpenAIV1ChatClient
{
    private const string DeploymentsPrefix = "/openai/deployments/";
    private const string ClientRequestIdHeader = "x-ms-client-request-id";

    /// <summary>
    /// Trims the endpoint and, on a Foundry or Azure OpenAI host, maps the routes users already have configured for the Azure
    /// transport to the v1 base: <c>/</c>, <c>/models</c> and <c>/openai</c> become <c>/openai/v1</c>, and
    /// <c>/openai/deployments/{name}</c> becomes <c>/openai/v1</c> with <paramref name="deployment"/> set to the name (the v1 API takes
    /// the deployment in the <c>model</c> field). Such a mapped route drops its query (its api-version belongs to the old route).
    /// </summary>
    internal static Uri ResolveEndpoint(Uri endpoint, bool bearerToken, out string? deployment)
    {
        deployment = null;
        var trimmed = TrimEndpoint(endpoint, bearerToken ? TlsRule.Always : TlsRule.ExceptLoopback);
        if (!IsAzureResourceHost(trimmed.Host))
        {
            return trimmed;
        }

        var path = trimmed.AbsolutePath;
        if (path is "/" || path.Equals("/models", StringComparison.OrdinalIgnoreCase) || path.Equals("/openai", StringComparison.OrdinalIgnoreCase))
        {
            return new Uri(trimmed.GetLeftPart(UriPartial.Authority) + OpenAIV1Constants.V1Path, UriKind.Absolute);
        }

        if (path.StartsWith(DeploymentsPrefix, StringComparison.OrdinalIgnoreCase)
            && path.Length > DeploymentsPrefix.Length
            && path.IndexOf('/', DeploymentsPrefix.Length) < 0)
        {
            deployment = Uri.UnescapeDataString(path[DeploymentsPrefix.Length..]);
            return new Uri(trimmed.GetLeftPart(UriPartial.Authority) + OpenAIV1Constants.V1Path, UriKind.Absolute);
        }

        return trimmed;
    }

    /// <summary>Foundry and Azure OpenAI resource hosts: they serve <c>/openai/v1</c> and take cognitiveservices tokens.</summary>
    internal static bool IsAzureResourceHost(string host) =>
        host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase);

    /// <summary>The OpenTelemetry GenAI <c>gen_ai.provider.name</c>: <c>azure.ai.openai</c> for Azure resources, <c>openai</c> otherwise.</summary>
    internal static string ProviderNameFor(Uri endpoint) =>
        IsAzureResourceHost(endpoint.Host) ? OpenAIV1Constants.AzureProviderName : OpenAIV1Constants.OpenAIProviderName;

    /// <summary>When plain http is refused: a key may go to loopback (the emulator), a token never (System.ClientModel refuses it).</summary>
    private enum TlsRule
    {
        None,
        ExceptLoopback,
        Always,
    }

    private static Uri TrimEndpoint(Uri endpoint, TlsRule tls)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The endpoint '{endpoint}' must be an absolute http or https URI.", nameof(endpoint));
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && (tls == TlsRule.Always || (tls == TlsRule.ExceptLoopback && !endpoint.IsLoopback)))
        {
            throw new ArgumentException(
                tls == TlsRule.Always
                    ? $"The endpoint '{endpoint}' uses plain http: Entra ID tokens are only sent over https."
                    : $"The endpoint '{endpoint}' uses plain http: API keys are only sent over https, or over http to a loopback address.",
                nameof(endpoint));
        }

        var path = endpoint.AbsolutePath.TrimEnd('/');
        return new Uri(string.Concat(endpoint.GetLeftPart(UriPartial.Authority), path, endpoint.Query), UriKind.Absolute);
    }

    private static OpenAIClientOptions CreateSdkOptions(Uri endpoint, OpenAIV1ChatClientOptions options)
    {
        var sdkOptions = new OpenAIClientOptions
        {
            Endpoint = endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // exactly one HTTP request per call: the resilience layer owns retries
            NetworkTimeout = options.NetworkTimeout,
        };
        if (options.ApplicationId is not null)
        {
            sdkOptions.UserAgentApplicationId = options.ApplicationId;
        }

        if (options.HttpClient is not null)
        {
            sdkOptions.Transport = new HttpClientPipelineTransport(options.HttpClient);
        }

        return sdkOptions;
    }

    private static Uri BuildChatCompletionsUri(Uri endpoint, string? apiVersion)
    {
        var query = endpoint.Query;
        if (apiVersion is not null)
        {
            var pair = "api-version=" + Uri.EscapeDataString(apiVersion);
            query = string.IsNullOrEmpty(query) || query == "?" ? "?" + pair : query + "&" + pair;
        }

        return new Uri(string.Concat(endpoint.GetLeftPart(UriPartial.Authority), endpoint.AbsolutePath.TrimEnd('/'), "/chat/completions", query), UriKind.Absolute);
    }

    private PipelineMessage CreateMessage(ReadOnlyMemory<byte> body, bool stream, CancellationToken cancellationToken)
    {
        var message = _pipeline.CreateMessage();
        message.Apply(new RequestOptions { CancellationToken = cancellationToken });
        message.BufferResponse = !stream;
        message.NetworkTimeout = _options.NetworkTimeout;
        var request = message.Request;
        request.Method = "POST";
        request.Uri = _chatCompletionsUri;
        request.Headers.Set("Accept", stream ? "text/event-stream" : "application/json");
        request.Headers.Set("Content-Type", "application/json");

        // Azure's client request id, as the Azure transport sends it: Azure echoes it, and an error without a server request id quotes it.
        request.Headers.Set(ClientRequestIdHeader, Guid.NewGuid().ToString());
        request.Content = BinaryContent.Create(new BinaryData(body));
        return message;
    }

    /// <summary>
    /// Sends once. A NetworkTimeout (not the caller's token) becomes a <see cref="TimeoutException"/>; System.ClientModel's "no
    /// response" (<see cref="ClientResultException"/> without a response: refused, reset, DNS, TLS) becomes the Azure transport's
    /// <see cref="RequestFailedException"/> with status 0, so the layers above see one error model on both transports.
    /// </summary>
    private async Task SendAsync(PipelineMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NetworkTimeout(ex);
        }
        catch (ClientResultException ex) when (ex.GetRawResponse() is null)
        {
            throw new RequestFailedException(0, ServiceErrorReader.Scrub(ex.Message, Secret), ex);
        }
    }

    /// <summary>Detaches the buffered response from <paramref name="message"/>, so that it outlives the message (as raw representation or on an exception).</summary>
    private static PipelineResponseAdapter TakeBufferedResponse(PipelineMessage message, BinaryData? content = null)
    {
        var response = message.ExtractResponse() ?? throw new InvalidOperationException("The pipeline completed without a response.");
        return new PipelineResponseAdapter(response, RequestIdOf(message), content ?? response.Content);
    }

    private static string? RequestIdOf(PipelineMessage message) =>
        message.Request.Headers.TryGetValue(ClientRequestIdHeader, out var id) ? id : null;

    private TimeoutException NetworkTimeout(Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The service sent nothing within OpenAIV1ChatClientOptions.NetworkTimeout ({_options.NetworkTimeout}); raise it for slow reasoning models."),
            inner);
}
