using Azure;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport;

/// <summary>Transport-neutral settings for the shared behavioural suites (each transport maps them onto its own options type).</summary>
public sealed record TransportSettings
{
    public string? DefaultModelId { get; init; }

    public TimeSpan? NetworkTimeout { get; init; }

    public bool IncludeStreamUsage { get; init; } = true;

    public HttpClient? HttpClient { get; init; }

    /// <summary>Gets the clock of a stream's network timeout; <see langword="null"/> for the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}

/// <summary>
/// One transport as the shared behavioural suites see it: how to build it against a loopback server with a key, where its
/// chat-completions requests go, and the one header in which the transports legitimately differ. Every suite that takes one of
/// these runs unchanged against both transports.
/// </summary>
public sealed class TransportUnderTest(string name, string basePath, string chatTarget, string? passThroughHeader, Func<Uri, TransportSettings, IChatClient> create)
{
    public static readonly TransportUnderTest AzureInference = new(
        "azure-inference", "/models", "/models/chat/completions?api-version=2024-05-01-preview", "pass-through",
        (endpoint, s) => new AzureInferenceChatClient(endpoint, new AzureKeyCredential(TransportTestKit.Key), new AzureInferenceChatClientOptions
        {
            DefaultModelId = s.DefaultModelId,
            NetworkTimeout = s.NetworkTimeout ?? new AzureInferenceChatClientOptions().NetworkTimeout,
            IncludeStreamUsage = s.IncludeStreamUsage,
            HttpClient = s.HttpClient,
        }, s.TimeProvider));

    public static readonly TransportUnderTest OpenAIV1 = new(
        "openai-v1", "/openai/v1", "/openai/v1/chat/completions", null,
        (endpoint, s) => new OpenAIV1ChatClient(endpoint, new System.ClientModel.ApiKeyCredential(TransportTestKit.Key), new OpenAIV1ChatClientOptions
        {
            DefaultModelId = s.DefaultModelId,
            NetworkTimeout = s.NetworkTimeout ?? new OpenAIV1ChatClientOptions().NetworkTimeout,
            IncludeStreamUsage = s.IncludeStreamUsage,
            HttpClient = s.HttpClient,
        }, s.TimeProvider));

    /// <summary>Gets the name shown in messages.</summary>
    public string Name { get; } = name;

    /// <summary>Gets the request target of a chat-completions call built by <see cref="Create(LoopbackServer, TransportSettings?)"/>.</summary>
    public string ChatTarget { get; } = chatTarget;

    /// <summary>Gets the <c>extra-parameters</c> value sent with fields outside the Azure AI Inference spec (the OpenAI v1 API has no such header).</summary>
    public string? PassThroughHeader { get; } = passThroughHeader;

    /// <summary>Builds the transport with a key against the server's usual base path.</summary>
    public IChatClient Create(LoopbackServer server, TransportSettings? settings = null) => Create(server.Endpoint, settings);

    /// <summary>Builds the transport with a key against <paramref name="root"/> plus the usual base path.</summary>
    public IChatClient Create(Uri root, TransportSettings? settings = null) => create(new Uri(root, basePath), settings ?? new TransportSettings());

    public override string ToString() => Name;
}
