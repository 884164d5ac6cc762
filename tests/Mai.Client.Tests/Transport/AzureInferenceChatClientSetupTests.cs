using System.Net;
using System.Text;
using Azure;
using Azure.AI.Inference;
using Azure.Core;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

public class AzureInferenceChatClientSetupTests
{
    private const string CognitiveScope = "https://cognitiveservices.azure.com/.default";
    private const string MlScope = "https://ml.azure.com/.default";

    [Theory]
    [InlineData("https://res.services.ai.azure.com/models", CognitiveScope)]
    [InlineData("https://res.openai.azure.com/openai/deployments/gpt-4o", CognitiveScope)]
    [InlineData("https://res.cognitiveservices.azure.com/openai/deployments/gpt-4o", CognitiveScope)]
    [InlineData("https://mistral.eastus2.models.ai.azure.com", MlScope)]
    [InlineData("https://mistral.eastus2.inference.ai.azure.com", MlScope)]
    public async Task Constructor_TokenCredential_RequestsOnlyTheScopeOfTheEndpointKind(string endpoint, string expectedScope)
    {
        var credential = new RecordingTokenCredential();
        var handler = new CannedHandler();
        using var client = new AzureInferenceChatClient(new Uri(endpoint), credential, new AzureInferenceChatClientOptions { HttpClient = new HttpClient(handler) });

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(expectedScope, client.TokenScope);
        Assert.Equal([expectedScope], credential.Scopes.Distinct());
        Assert.Equal($"Bearer token-for:{expectedScope}", handler.Authorization.Single());
        Assert.Equal("Hi there", response.Text);
    }

    [Fact]
    public async Task Constructor_TokenScopeOption_OverridesTheEndpointChoice()
    {
        var credential = new RecordingTokenCredential();
        var handler = new CannedHandler();
        var options = new AzureInferenceChatClientOptions { HttpClient = new HttpClient(handler), TokenScope = "https://ai.azure.com/.default" };
        using var client = new AzureInferenceChatClient(new Uri("https://x.eastus2.models.ai.azure.com"), credential, options);

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(["https://ai.azure.com/.default"], credential.Scopes.Distinct());
        Assert.Equal("Bearer token-for:https://ai.azure.com/.default", handler.Authorization.Single());
    }

    [Fact]
    public async Task Constructor_OptionsEditedAfterwards_ChangeNothing()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        var options = new AzureInferenceChatClientOptions { DefaultModelId = "first", ApiVersion = "2025-04-01" };
        using var client = NewClient(server, options);
        options.DefaultModelId = "second";
        options.ApiVersion = "1999-01-01";

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Contains("\"model\":\"first\"", server.Requests.Single().Body);
        Assert.EndsWith("api-version=2025-04-01", server.Requests.Single().Target);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new AzureInferenceChatClientOptions();

        Assert.Equal(("2024-05-01-preview", TimeSpan.FromMinutes(10), true), (options.ApiVersion, options.NetworkTimeout, options.IncludeStreamUsage));
        Assert.Null(options.DefaultModelId);
        Assert.Null(options.TokenScope);
        Assert.Null(options.ApplicationId);
        Assert.Null(options.HttpClient);
    }

    [Theory]
    [InlineData("ApiVersion")]
    [InlineData("NetworkTimeout")]
    [InlineData("DefaultModelId")]
    [InlineData("TokenScope")]
    [InlineData("ApplicationId")]
    public void Constructor_InvalidOption_ThrowsNamingTheProperty(string property)
    {
        var options = new AzureInferenceChatClientOptions();
        switch (property)
        {
            case "ApiVersion": options.ApiVersion = "2024 05"; break;
            case "NetworkTimeout": options.NetworkTimeout = TimeSpan.Zero; break;
            case "DefaultModelId": options.DefaultModelId = " "; break;
            case "TokenScope": options.TokenScope = "not a uri"; break;
            case "ApplicationId": options.ApplicationId = new string('a', 25); break;
        }

        var ex = Assert.ThrowsAny<ArgumentException>(() => new AzureInferenceChatClient(new Uri("https://x.services.ai.azure.com/models"), new AzureKeyCredential(Key), options));

        Assert.Equal(property, ex.ParamName);
        Assert.Contains("AzureInferenceChatClientOptions." + property, ex.Message);
    }

    [Fact]
    public void Constructor_CallerBuiltClientWithPipelineOption_ThrowsNamingIt()
    {
        var sdk = new ChatCompletionsClient(new Uri("https://x.services.ai.azure.com/models"), new AzureKeyCredential(Key));

        var ex = Assert.Throws<ArgumentException>(() =>
            new AzureInferenceChatClient(sdk, new Uri("https://x.services.ai.azure.com/models"), new AzureInferenceChatClientOptions { TokenScope = CognitiveScope }));

        Assert.Equal("TokenScope", ex.ParamName);
    }

    [Fact]
    public async Task Constructor_CallerBuiltClient_SendsThroughItsPipelineToTheTrimmedEndpoint()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        var sdkOptions = new AzureAIInferenceClientOptions();
        sdkOptions.Retry.MaxRetries = 0;
        var endpoint = new Uri(server.Endpoint, "/models/");
        var sdk = new ChatCompletionsClient(endpoint, new AzureKeyCredential(Key), sdkOptions);
        using var client = new AzureInferenceChatClient(sdk, endpoint);

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal("/models/chat/completions?api-version=2024-05-01-preview", server.Requests.Single().Target);
        Assert.Equal(Key, server.Requests.Single().Header("api-key"));
        Assert.Same(sdk, client.GetService(typeof(ChatCompletionsClient)));
    }

    [Fact]
    public void GetService_Metadata_ReportsProviderEndpointAndDefaultModel()
    {
        using var client = new AzureInferenceChatClient(new Uri("https://x.services.ai.azure.com/models/"), new AzureKeyCredential(Key),
            new AzureInferenceChatClientOptions { DefaultModelId = "MAI-Thinking-1" });

        var metadata = client.GetService<ChatClientMetadata>();

        Assert.Equal(("azure.ai.inference", new Uri("https://x.services.ai.azure.com/models"), "MAI-Thinking-1"),
            (metadata!.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("keyed"));
    }

    private sealed class RecordingTokenCredential : TokenCredential
    {
        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            return new AccessToken("token-for:" + string.Join(",", requestContext.Scopes), DateTimeOffset.MaxValue);
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }

    /// <summary>In-process transport for https endpoints (Azure.Core refuses bearer tokens over http): answers a canned completion.</summary>
    private sealed class CannedHandler : HttpMessageHandler
    {
        public List<string> Authorization { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization.Add(request.Headers.Authorization?.ToString() ?? "<none>");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Completion())) { Headers = { { "Content-Type", "application/json" } } },
            });
        }
    }
}
