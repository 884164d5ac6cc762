using System.ClientModel;
using Azure;
using Azure.Identity;
using Mai.Client.Accounting;
using Mai.Client.Reasoning;
using Mai.Client.Resilience;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>
/// Composes the pipeline's layers in the order DESIGN.md gives: budgets → resilience → metering → reasoning → transport.
/// Each deployment gets its own transport → reasoning → metering stack; one resilience layer fails over between them.
/// </summary>
internal static class MaiPipeline
{
    /// <summary>Builds the transports for the configured deployments and composes the layers over them.</summary>
    public static IChatClient Build(MaiClientOptions options)
    {
        var deployments = new List<MaiDeployment> { options.PrimaryDeployment };
        deployments.AddRange(options.Fallbacks);
        var names = UniqueNames(deployments);
        var stacks = deployments
            .Select((d, i) => new ResilientDeployment(names[i], DeploymentStack(CreateTransport(d, options), names[i], d, options)))
            .ToList();
        return Top(stacks, options);
    }

    /// <summary>Composes the layers over one existing client.</summary>
    public static IChatClient Compose(IChatClient inner, MaiClientOptions options)
    {
        var metadata = inner.GetService<ChatClientMetadata>();
        var deployment = new MaiDeployment
        {
            Name = options.DeploymentName,
            Endpoint = options.Endpoint ?? metadata?.ProviderUri,
            Model = options.Model ?? metadata?.DefaultModelId,
            ContextWindowTokens = options.ContextWindowTokens,
            TokensPerMinute = options.TokensPerMinute,
            RequestsPerMinute = options.RequestsPerMinute,
        };
        var name = deployment.Name ?? (deployment.Endpoint is null && deployment.Model is null ? "default" : deployment.ToString());
        return Top([new ResilientDeployment(name, DeploymentStack(inner, name, deployment, options))], options);
    }

    /// <summary>Creates the transport that speaks HTTP to one deployment.</summary>
    internal static IChatClient CreateTransport(MaiDeployment deployment, MaiClientOptions options)
    {
        var transport = TransportFor(deployment, options);
        if (transport == MaiTransport.AnthropicMessages)
        {
            var messagesOptions = new AnthropicMessagesChatClientOptions
            {
                DefaultModelId = deployment.Model,
                NetworkTimeout = options.NetworkTimeout,
                HttpClient = options.HttpClient,
            };
            return deployment.ApiKey is { } anthropicKey
                ? new AnthropicMessagesChatClient(deployment.Endpoint!, new AzureKeyCredential(anthropicKey), messagesOptions, options.TimeProvider)
                : new AnthropicMessagesChatClient(deployment.Endpoint!, deployment.Credential ?? new DefaultAzureCredential(), messagesOptions, options.TimeProvider);
        }

        if (transport == MaiTransport.OpenAIV1)
        {
            var openAIOptions = new OpenAIV1ChatClientOptions
            {
                DefaultModelId = deployment.Model,
                NetworkTimeout = options.NetworkTimeout,
                HttpClient = options.HttpClient,
                ApiVersion = options.ApiVersion,
            };
            return deployment.ApiKey is { } apiKey
                ? new OpenAIV1ChatClient(deployment.Endpoint!, new ApiKeyCredential(apiKey), openAIOptions, options.TimeProvider)
                : new OpenAIV1ChatClient(deployment.Endpoint!, deployment.Credential ?? new DefaultAzureCredential(), openAIOptions, options.TimeProvider);
        }

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
            ? new AzureInferenceChatClient(endpoint, new AzureKeyCredential(key), transportOptions, options.TimeProvider)
            : new AzureInferenceChatClient(endpoint, deployment.Credential ?? new DefaultAzureCredential(), transportOptions, options.TimeProvider);
    }

    /// <summary>The deployment's own transport; else the Messages API for a <c>…/anthropic</c> endpoint (the Foundry shape); else the client's.</summary>
    internal static MaiTransport TransportFor(MaiDeployment deployment, MaiClientOptions options)
    {
        if (deployment.Transport is { } chosen)
        {
            return Enum.IsDefined(chosen)
                ? chosen
                : throw new ArgumentException($"MaiDeployment.Transport of '{deployment}' has an unknown value '{chosen}'.", nameof(deployment));
        }

        var path = deployment.Endpoint?.AbsolutePath.TrimEnd('/') ?? string.Empty;
        return path.EndsWith("/anthropic", StringComparison.OrdinalIgnoreCase) || path.Contains("/anthropic/", StringComparison.OrdinalIgnoreCase)
            ? MaiTransport.AnthropicMessages
            : options.Transport;
    }

    private static IChatClient DeploymentStack(IChatClient transport, string name, MaiDeployment deployment, MaiClientOptions options)
    {
        IChatClient client = options.SplitReasoning ? new ReasoningChatClient(transport) : transport;
        if (options.EnableMetering)
        {
            client = new MeteringChatClient(
                client,
                name,
                deployment.Model ?? name,
                new MeteringOptions
                {
                    PriceTable = options.Prices,
                    Ledger = options.Ledger,
                    ReportEstimatedUsage = options.ReportEstimatedUsage,
                    ContextWindowTokens = deployment.ContextWindowTokens,
                    TokensPerMinute = deployment.TokensPerMinute,
                    RequestsPerMinute = deployment.RequestsPerMinute,
                    RateLimitStore = options.RateLimitStore,
                },
                options.MeterFactory,
                options.LoggerFactory,
                options.TimeProvider);
        }

        return client;
    }

    private static IChatClient Top(List<ResilientDeployment> deployments, MaiClientOptions options)
    {
        IChatClient client;
        if (options.EnableResilience)
        {
            client = new ResilientChatClient(deployments, options.Resilience, options.LoggerFactory, options.TimeProvider);
        }
        else
        {
            // No retries, failover or breakers, but the same deadline and stream timeouts bound every call.
            client = ResilientChatClient.DeadlineOnly(deployments[0], options.Resilience, options.LoggerFactory, options.TimeProvider);
        }

        if (options.Budgets.Count > 0)
        {
            client = new BudgetChatClient(
                client,
                new BudgetOptions
                {
                    Limits = options.Budgets,
                    Store = options.BudgetStore,
                    PriceTable = options.Prices,
                    ModelId = options.Model,
                    FallbackModelIds = [.. options.Fallbacks.Select(f => f.Model ?? options.Model).OfType<string>()],
                    ContextWindowTokens = WorstContextWindow(options),
                },
                options.LoggerFactory,
                options.TimeProvider);
        }

        return client;
    }

    /// <summary>The largest context window among the deployments, or null when one has none (no cap on the output reserved).</summary>
    private static int? WorstContextWindow(MaiClientOptions options)
    {
        var window = options.PrimaryDeployment.ContextWindowTokens;
        foreach (var fallback in options.Fallbacks)
        {
            window = window is { } w && fallback.ContextWindowTokens is { } f ? Math.Max(w, f) : null;
        }

        return window;
    }

    private static string[] UniqueNames(List<MaiDeployment> deployments)
    {
        var names = new string[deployments.Count];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < deployments.Count; i++)
        {
            var name = deployments[i].ToString();
            var candidate = name;
            for (var n = 2; !seen.Add(candidate); n++)
            {
                candidate = $"{name}#{n}";
            }

            names[i] = candidate;
        }

        return names;
    }
}
