using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using Azure;
using Mai.Client.Errors;
using OpenAI;

namespace Mai.Client.Transport;

/// <summary>Endpoint resolution and SDK pipeline setup: everything else is the shared <see cref="ChatTransportCore"/>'s.</summary>
public sealed partial class OpenAIV1ChatClient
{
    private const string DeploymentsPrefix = "/openai/deployments/";

    /// <summary>
    /// Trims the endpoint and, on a Foundry or Azure OpenAI host, maps the routes users already have configured for the Azure
    /// transport to the v1 base: <c>/</c>, <c>/models</c> and <c>/openai</c> become <c>/openai/v1</c>, and
    /// <c>/openai/deployments/{name}</c> becomes <c>/openai/v1</c> with <paramref name="deployment"/> set to the name (the v1 API takes
    /// the deployment in the <c>model</c> field). Such a mapped route drops its query (its api-version belongs to the old route).
    /// </summary>
    internal static Uri ResolveEndpoint(Uri endpoint, bool bearerToken, out string? deployment)
    {
        deployment = null;
        var trimmed = ChatEndpoints.Trim(endpoint, bearerToken ? TlsRule.Always : TlsRule.ExceptLoopback);
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
    internal static bool IsAzureResourceHost(string host) => ChatEndpoints.IsAzureResourceHost(host);

    /// <summary>The OpenTelemetry GenAI <c>gen_ai.provider.name</c>: <c>azure.ai.openai</c> for Azure resources, <c>openai</c> otherwise.</summary>
    internal static string ProviderNameFor(Uri endpoint) =>
        IsAzureResourceHost(endpoint.Host) ? OpenAIV1Constants.AzureProviderName : OpenAIV1Constants.OpenAIProviderName;

    private static ChatTransportCore CreateCore(ClientPipeline pipeline, Uri endpoint, OpenAIV1ChatClientOptions options, string? defaultModelId, SecretScrubber secrets, bool ownPipeline, TimeProvider? timeProvider) =>
        new(ChatCompletionsWireFormat.Instance,
            new ClientModelChatSender(pipeline, options.NetworkTimeout, secrets, acceptPolicyInstalled: ownPipeline),
            endpoint,
            new ChatTransportSettings(nameof(OpenAIV1ChatClientOptions), options.ApiVersion, options.NetworkTimeout, defaultModelId, options.IncludeStreamUsage),
            secrets,
            timeProvider ?? TimeProvider.System);

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

        sdkOptions.Transport = new HttpClientPipelineTransport(RedirectGuard.ClientFor(options.HttpClient)); // redirects are never followed
        sdkOptions.AddPolicy(EventStreamAcceptPolicy.Instance, PipelinePosition.BeforeTransport); // streams bypass the SDK's SSE wrapper

        return sdkOptions;
    }
}
