using Azure.AI.Inference;
using Azure.Core;
using Azure.Core.Pipeline;
using Mai.Client.Errors;

namespace Mai.Client.Transport;

/// <summary>SDK pipeline setup: everything else is the shared <see cref="ChatTransportCore"/>'s.</summary>
public sealed partial class AzureInferenceChatClient
{
    private static ChatTransportCore CreateCore(ChatCompletionsClient client, Uri endpoint, AzureInferenceChatClientOptions options, SecretScrubber secrets, TimeProvider? timeProvider) =>
        new(ChatCompletionsWireFormat.Instance,
            new AzureCoreChatSender(client.Pipeline, options.NetworkTimeout),
            endpoint,
            new ChatTransportSettings(nameof(AzureInferenceChatClientOptions), options.ApiVersion, options.NetworkTimeout, options.DefaultModelId, options.IncludeStreamUsage),
            secrets,
            timeProvider ?? TimeProvider.System);

    private static AzureAIInferenceClientOptions CreateSdkOptions(AzureInferenceChatClientOptions options)
    {
        var sdkOptions = new AzureAIInferenceClientOptions();
        sdkOptions.Retry.MaxRetries = 0; // exactly one HTTP request per call: the resilience layer owns retries
        sdkOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        if (options.ApplicationId is not null)
        {
            sdkOptions.Diagnostics.ApplicationId = options.ApplicationId;
        }

        sdkOptions.Transport = new HttpClientTransport(RedirectGuard.ClientFor(options.HttpClient)); // redirects are never followed

        return sdkOptions;
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
