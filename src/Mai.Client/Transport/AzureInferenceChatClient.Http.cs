using System.Globalization;
using Azure.AI.Inference;
using Azure.Core;
using Azure.Core.Pipeline;

namespace Mai.Client.Transport;

/// <summary>Endpoint normalisation, SDK pipeline setup and the one HTTP send per call.</summary>
public sealed partial class AzureInferenceChatClient
{
    private static Uri NormalizeEndpoint(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"The endpoint '{endpoint}' must be an absolute http or https URI.", nameof(endpoint));
        }

        // The SDK joins paths literally: ".../models/" would become ".../models//chat/completions" (wire-protocol §1.1).
        var path = endpoint.AbsolutePath.TrimEnd('/');
        var text = string.Concat(endpoint.GetLeftPart(UriPartial.Authority), path, endpoint.Query);
        return new Uri(text, UriKind.Absolute);
    }

    /// <summary>Foundry and Azure OpenAI resources take cognitiveservices tokens; serverless endpoints keep the SDK's ml.azure.com.</summary>
    internal static string ScopeFor(Uri endpoint)
    {
        var host = endpoint.Host;
        return host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)
            ? AzureInferenceConstants.CognitiveServicesScope
            : AzureInferenceConstants.MachineLearningScope;
    }

    private static AzureAIInferenceClientOptions CreateSdkOptions(AzureInferenceChatClientOptions options)
    {
        var sdkOptions = new AzureAIInferenceClientOptions();
        sdkOptions.Retry.MaxRetries = 0; // exactly one HTTP request per call: the resilience layer owns retries
        sdkOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        if (options.ApplicationId is not null)
        {
            sdkOptions.Diagnostics.ApplicationId = options.ApplicationId;
        }

        if (options.HttpClient is not null)
        {
            sdkOptions.Transport = new HttpClientTransport(options.HttpClient);
        }

        return sdkOptions;
    }

    private static string BuildChatCompletionsUri(Uri endpoint, string? apiVersion)
    {
        var baseUri = string.Concat(endpoint.GetLeftPart(UriPartial.Authority), endpoint.AbsolutePath.TrimEnd('/'), "/chat/completions");
        var query = endpoint.Query;
        if (apiVersion is not null)
        {
            var pair = "api-version=" + Uri.EscapeDataString(apiVersion);
            query = string.IsNullOrEmpty(query) || query == "?" ? "?" + pair : query + "&" + pair;
        }

        return baseUri + query;
    }

    private HttpMessage CreateMessage(ReadOnlyMemory<byte> body, bool hasExtraFields, bool stream)
    {
        var message = _pipeline.CreateMessage();
        message.BufferResponse = !stream;
        message.NetworkTimeout = _options.NetworkTimeout;
        var request = message.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_chatCompletionsUri);
        request.Headers.SetValue(HttpHeader.Names.Accept, stream ? "text/event-stream" : "application/json");
        request.Headers.SetValue(HttpHeader.Names.ContentType, "application/json");
        if (hasExtraFields)
        {
            // The SDK adds this only to non-streaming calls; the service may reject unknown fields without it (wire-protocol §1.2).
            request.Headers.SetValue("extra-parameters", "pass-through");
        }

        request.Content = RequestContent.Create(body);
        return message;
    }

    /// <summary>Sends once; a NetworkTimeout (not the caller's token) becomes a <see cref="TimeoutException"/>.</summary>
    private async Task SendAsync(HttpMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.SendAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw NetworkTimeout(ex);
        }
    }

    private TimeoutException NetworkTimeout(Exception inner) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"The service sent nothing within AzureInferenceChatClientOptions.NetworkTimeout ({_options.NetworkTimeout}); raise it for slow reasoning models."),
            inner);

    /// <summary>Reads an unbuffered error body into memory (capped) so that it can be parsed and kept on the exception.</summary>
    private static async Task BufferErrorBodyAsync(Azure.Response response, CancellationToken cancellationToken)
    {
        if (response.ContentStream is null or MemoryStream)
        {
            return;
        }

        var original = response.ContentStream;
        var buffered = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffered.Length < AzureInferenceConstants.MaxErrorBodyBytes
            && (read = await original.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffered.Write(chunk, 0, read);
        }

        buffered.Position = 0;
        response.ContentStream = buffered;
        await original.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>A token credential that is never asked for a real token: it feeds the SDK's built-in ml.azure.com bearer policy,
    /// whose header the correctly scoped policy then overwrites.</summary>
    private sealed class PlaceholderTokenCredential : TokenCredential
    {
        public static readonly PlaceholderTokenCredential Instance = new();

        private static readonly AccessToken s_token = new("placeholder-overwritten-by-scoped-policy", DateTimeOffset.MaxValue);

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => s_token;

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(s_token);
    }
}
