using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure.Core;

namespace Mai.Console.Info;

/// <summary>
/// Asks an endpoint what it serves with <c>GET {endpoint}/info</c> (serverless and Foundry model endpoints answer
/// <c>{"model_name","model_type","model_provider_name"}</c>; Azure OpenAI answers 404). The transport has no such call,
/// so this is a plain <see cref="HttpClient"/> request with the same auth: the <c>api-key</c> header, or an Entra ID bearer token.
/// </summary>
internal static class EndpointInfoProbe
{
    public const string DefaultApiVersion = "2024-05-01-preview";

    public static async Task<EndpointInfo> ProbeAsync(HttpClient http, Uri endpoint, string? apiKey, TokenCredential? credential, string? apiVersion, CancellationToken cancellationToken)
    {
        var url = new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/info?api-version=" + Uri.EscapeDataString(apiVersion ?? DefaultApiVersion));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("api-key", apiKey);
        }
        else if (credential is not null)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext([ScopeFor(endpoint)]), cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            return new EndpointInfo(false, null, null, null, null, $"no response: {ex.Message}");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new EndpointInfo(false, null, null, null, 404, "the endpoint has no /info route (Azure OpenAI deployments do not serve it)");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new EndpointInfo(false, null, null, null, (int)response.StatusCode, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
                var root = json.RootElement;
                return new EndpointInfo(true, Text(root, "model_name"), Text(root, "model_type"), Text(root, "model_provider_name"), (int)response.StatusCode, null);
            }
            catch (JsonException)
            {
                return new EndpointInfo(false, null, null, null, (int)response.StatusCode, "the /info body is not JSON");
            }
        }
    }

    /// <summary>The token scope the transport uses: cognitiveservices for Foundry and Azure OpenAI resources, ml.azure.com for serverless endpoints.</summary>
    internal static string ScopeFor(Uri endpoint) =>
        endpoint.Host.EndsWith(".services.ai.azure.com", StringComparison.OrdinalIgnoreCase)
        || endpoint.Host.EndsWith(".openai.azure.com", StringComparison.OrdinalIgnoreCase)
        || endpoint.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase)
            ? "https://cognitiveservices.azure.com/.default"
            : "https://ml.azure.com/.default";

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
