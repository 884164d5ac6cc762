namespace Mai.Client.Transport;

/// <summary>When plain http is refused for an endpoint.</summary>
internal enum TlsRule
{
    /// <summary>http allowed (a caller-built pipeline: its transport decides).</summary>
    None,

    /// <summary>A key may go over http to loopback only (the emulator).</summary>
    ExceptLoopback,

    /// <summary>https only (bearer tokens).</summary>
    Always,
}

/// <summary>Endpoint rules both transports share: trimming, the http refusal, request URIs, Azure resource hosts and the Entra scope.</summary>
internal static class ChatEndpoints
{
    /// <summary>Entra scope of Foundry and Azure OpenAI resources.</summary>
    public const string CognitiveServicesScope = "https://cognitiveservices.azure.com/.default";

    /// <summary>The scope Azure.AI.Inference hard-codes for token credentials (serverless endpoints).</summary>
    public const string MachineLearningScope = "https://ml.azure.com/.default";

    private static readonly string[] s_azureResourceHostSuffixes = [".services.ai.azure.com", ".openai.azure.com", ".cognitiveservices.azure.com"];

    /// <summary>Checks the endpoint is absolute http(s), applies <paramref name="tls"/>, and removes a trailing <c>/</c> from the path
    /// (SDKs join paths literally: <c>.../models/</c> would become <c>.../models//chat/completions</c>, wire-protocol §1.1).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="endpoint"/> is null.</exception>
    /// <exception cref="ArgumentException">The endpoint is not absolute http(s), or is plain http where <paramref name="tls"/> refuses it.</exception>
    public static Uri Trim(Uri endpoint, TlsRule tls)
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

    /// <summary>Joins a trimmed endpoint, the format's path and an optional <c>api-version</c> (kept after the endpoint's own query).</summary>
    public static Uri BuildRequestUri(Uri endpoint, string path, string? apiVersion)
    {
        var query = endpoint.Query;
        if (apiVersion is not null)
        {
            var pair = "api-version=" + Uri.EscapeDataString(apiVersion);
            query = string.IsNullOrEmpty(query) || query == "?" ? "?" + pair : query + "&" + pair;
        }

        return new Uri(string.Concat(endpoint.GetLeftPart(UriPartial.Authority), endpoint.AbsolutePath.TrimEnd('/'), path, query), UriKind.Absolute);
    }

    /// <summary>Foundry and Azure OpenAI resource hosts: they serve <c>/openai/v1</c> and take cognitiveservices tokens.</summary>
    public static bool IsAzureResourceHost(string host)
    {
        foreach (var suffix in s_azureResourceHostSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The Entra scope for a token credential on the Azure AI Inference transport: cognitiveservices on resource hosts,
    /// Azure.AI.Inference's ml.azure.com otherwise (serverless endpoints).</summary>
    public static string ScopeFor(Uri endpoint) =>
        IsAzureResourceHost(endpoint.Host) ? CognitiveServicesScope : MachineLearningScope;
}
