using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Frozen;
using System.Net;
using System.Text;
using Azure.Core;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using OpenAI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>What only the OpenAI v1 transport has: its route, authentication, endpoint mapping, options and SDK pipeline.</summary>
public class OpenAIV1ChatClientSetupTests
{
    private const string CognitiveScope = "https://cognitiveservices.azure.com/.default";

    private static OpenAIV1ChatClient NewClient(LoopbackServer server, OpenAIV1ChatClientOptions? options = null, string path = "/openai/v1") =>
        new(new Uri(server.Endpoint, path), new ApiKeyCredential(Key), options);

    [Theory]
    [InlineData("/openai/v1", null, "/openai/v1/chat/completions")]
    [InlineData("/openai/v1/", null, "/openai/v1/chat/completions")]
    [InlineData("/openai/v1", "preview", "/openai/v1/chat/completions?api-version=preview")]
    [InlineData("/v1", null, "/v1/chat/completions")]
    public async Task GetResponseAsync_Endpoint_PostsToChatCompletionsUnderItWithoutApiVersionUnlessConfigured(string path, string? apiVersion, string expectedTarget)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new OpenAIV1ChatClientOptions { ApiVersion = apiVersion }, path);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(("POST", expectedTarget), (server.Requests.Single().Method, server.Requests.Single().Target));
        Assert.Equal("Hi there", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_KeyCredential_SendsKeyAsBearerAndApiKeyWithTheSdkUserAgentAndNoPassThroughHeader()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new OpenAIV1ChatClientOptions { ApplicationId = "mai-tests/1.0" });

        await client.GetResponseAsync(Hello(), new ChatOptions { MaxOutputTokens = 5, ModelId = "o3-mini" }, Guard());

        var request = server.Requests.Single();
        Assert.Equal("Bearer " + Key, request.Header("Authorization"));
        Assert.Equal(Key, request.Header("api-key"));
        Assert.True(Guid.TryParse(request.Header("x-ms-client-request-id"), out _));
        Assert.StartsWith("mai-tests/1.0 OpenAI/", request.Header("User-Agent"));
        Assert.Equal("application/json", request.Header("Accept"));
        Assert.Null(request.Header("extra-parameters"));
        Assert.Equal("""{"messages":[{"role":"user","content":"hello"}],"model":"o3-mini","max_completion_tokens":5}""", request.Body);
    }

    [Fact]
    public async Task GetResponseAsync_RotatedKey_SendsAndScrubsTheNewKey()
    {
        const string rotated = "sk-ROTATED-KEY-9876543210";
        var credential = new ApiKeyCredential(Key);
        await using var server = new LoopbackServer(ScriptedReply.Json("""{"error":{"code":"invalid_api_key","message":"Incorrect API key provided: """ + rotated + "\"}}", 401, "Unauthorized"));
        using var client = new OpenAIV1ChatClient(new Uri(server.Endpoint, "/openai/v1"), credential);
        credential.Update(rotated);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(rotated, server.Requests.Single().Header("api-key"));
        Assert.DoesNotContain(rotated, ex.ToString());
        Assert.Contains("[REDACTED]", ex.Message);
    }

    [Theory]
    [InlineData(null, CognitiveScope)]
    [InlineData("https://ai.azure.com/.default", "https://ai.azure.com/.default")]
    public async Task GetResponseAsync_TokenCredential_SendsCachedBearerTokenForTheScope(string? configuredScope, string expectedScope)
    {
        var credential = new RecordingTokenCredential();
        var handler = new CannedHandler();
        var options = new OpenAIV1ChatClientOptions { HttpClient = new HttpClient(handler), TokenScope = configuredScope };
        using var client = new OpenAIV1ChatClient(new Uri("https://res.services.ai.azure.com/openai/v1"), credential, options);

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());
        var second = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(expectedScope, client.TokenScope);
        Assert.Equal([expectedScope], credential.Scopes); // asked once: the token is cached across calls
        Assert.Equal([$"Bearer token-for:{expectedScope}", $"Bearer token-for:{expectedScope}"], handler.Authorization);
        Assert.Equal(["https://res.services.ai.azure.com/openai/v1/chat/completions"], handler.Uris.Distinct());
        Assert.All(handler.ApiKeys, k => Assert.Null(k));
        Assert.Equal("Hi there", second.Text);
    }

    [Theory]
    [InlineData("https://res.services.ai.azure.com/openai/v1/", "https://res.services.ai.azure.com/openai/v1", null, "azure.ai.openai")]
    [InlineData("https://res.services.ai.azure.com/models", "https://res.services.ai.azure.com/openai/v1", null, "azure.ai.openai")]
    [InlineData("https://res.services.ai.azure.com", "https://res.services.ai.azure.com/openai/v1", null, "azure.ai.openai")]
    [InlineData("https://res.openai.azure.com/openai", "https://res.openai.azure.com/openai/v1", null, "azure.ai.openai")]
    [InlineData("https://res.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21", "https://res.openai.azure.com/openai/v1", "gpt-4o", "azure.ai.openai")]
    [InlineData("https://res.cognitiveservices.azure.com/openai/deployments/my%20dep/", "https://res.cognitiveservices.azure.com/openai/v1", "my dep", "azure.ai.openai")]
    [InlineData("https://res.services.ai.azure.com/api/projects/p1/openai/v1", "https://res.services.ai.azure.com/api/projects/p1/openai/v1", null, "azure.ai.openai")]
    [InlineData("https://api.openai.com/v1", "https://api.openai.com/v1", null, "openai")]
    [InlineData("https://mistral.eastus2.models.ai.azure.com/v1", "https://mistral.eastus2.models.ai.azure.com/v1", null, "openai")]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.1:5000/", null, "openai")]
    public void Constructor_Endpoint_ResolvesTheV1BaseDeploymentAndProvider(string endpoint, string expectedBase, string? expectedModel, string expectedProvider)
    {
        using var client = new OpenAIV1ChatClient(new Uri(endpoint), new ApiKeyCredential(Key));

        var metadata = client.GetService<ChatClientMetadata>()!;

        Assert.Equal(new Uri(expectedBase), metadata.ProviderUri);
        Assert.Equal(new Uri(expectedBase.TrimEnd('/') + "/chat/completions"), client.ChatCompletionsUri);
        Assert.Equal((expectedModel, expectedProvider), (metadata.DefaultModelId, metadata.ProviderName));
    }

    [Fact]
    public void Constructor_DefaultModelIdOption_WinsOverTheDeploymentInTheEndpoint()
    {
        using var client = new OpenAIV1ChatClient(new Uri("https://res.openai.azure.com/openai/deployments/gpt-4o"), new ApiKeyCredential(Key),
            new OpenAIV1ChatClientOptions { DefaultModelId = "MAI-Thinking-1" });

        Assert.Equal("MAI-Thinking-1", client.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public async Task GetResponseAsync_DeploymentEndpoint_SendsTheDeploymentAsModelToTheV1Route()
    {
        var handler = new CannedHandler();
        using var client = new OpenAIV1ChatClient(new Uri("https://res.openai.azure.com/openai/deployments/gpt-4o"), new ApiKeyCredential(Key),
            new OpenAIV1ChatClientOptions { HttpClient = new HttpClient(handler) });

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal("https://res.openai.azure.com/openai/v1/chat/completions", handler.Uris.Single());
        Assert.Contains("\"model\":\"gpt-4o\"", handler.Bodies.Single());
    }

    [Theory]
    [InlineData("http://res.openai.azure.com/openai/v1", true)]
    [InlineData("http://res.openai.azure.com/openai/v1", false)]
    [InlineData("http://127.0.0.1:5000/openai/v1", false)]
    public void Constructor_PlainHttpThatWouldExposeTheCredential_ThrowsNamingTheEndpointBeforeAnySend(string url, bool withKey)
    {
        var endpoint = new Uri(url);

        var ex = Assert.Throws<ArgumentException>(() => withKey
            ? new OpenAIV1ChatClient(endpoint, new ApiKeyCredential(Key))
            : new OpenAIV1ChatClient(endpoint, new RecordingTokenCredential()));

        Assert.Equal("endpoint", ex.ParamName);
        Assert.Contains("https", ex.Message);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new OpenAIV1ChatClientOptions();

        Assert.Equal((null, TimeSpan.FromMinutes(10), true), (options.ApiVersion, options.NetworkTimeout, options.IncludeStreamUsage));
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
        var options = new OpenAIV1ChatClientOptions();
        switch (property)
        {
            case "ApiVersion": options.ApiVersion = "2024 05"; break;
            case "NetworkTimeout": options.NetworkTimeout = TimeSpan.FromSeconds(-1); break;
            case "DefaultModelId": options.DefaultModelId = " "; break;
            case "TokenScope": options.TokenScope = "not a uri"; break;
            case "ApplicationId": options.ApplicationId = new string('a', 25); break;
        }

        var ex = Assert.ThrowsAny<ArgumentException>(() => new OpenAIV1ChatClient(new Uri("https://x.services.ai.azure.com/openai/v1"), new ApiKeyCredential(Key), options));

        Assert.Equal(property, ex.ParamName);
        Assert.Contains("OpenAIV1ChatClientOptions." + property, ex.Message);
    }

    [Fact]
    public async Task Constructor_OptionsEditedAfterwards_ChangeNothing()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        var options = new OpenAIV1ChatClientOptions { DefaultModelId = "first", ApiVersion = "preview" };
        using var client = NewClient(server, options);
        options.DefaultModelId = "second";
        options.ApiVersion = "latest";

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Contains("\"model\":\"first\"", server.Requests.Single().Body);
        Assert.EndsWith("api-version=preview", server.Requests.Single().Target);
    }

    [Fact]
    public async Task GetResponseAsync_InfiniteNetworkTimeout_IsAccepted()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new OpenAIV1ChatClientOptions { NetworkTimeout = Timeout.InfiniteTimeSpan });

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal("Hi there", response.Text);
    }

    [Fact]
    public async Task Constructor_CallerBuiltClient_SendsThroughItsPipelineAndExposesIt()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        var endpoint = new Uri(server.Endpoint, "/openai/v1/");
        var sdk = new OpenAIClient(new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = endpoint, RetryPolicy = new ClientRetryPolicy(0) });
        using var client = new OpenAIV1ChatClient(sdk, endpoint, new OpenAIV1ChatClientOptions { DefaultModelId = "gpt-4o" });

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal("/openai/v1/chat/completions", server.Requests.Single().Target);
        Assert.Equal("Bearer " + Key, server.Requests.Single().Header("Authorization"));
        Assert.Same(sdk, client.GetService<OpenAIClient>());
        Assert.Same(sdk.Pipeline, client.GetService<ClientPipeline>());
        Assert.Same(client, client.GetService<IChatClient>());
        Assert.Null(client.GetService<ChatClientMetadata>("keyed"));
    }

    [Fact]
    public void Constructor_CallerBuiltClientWithPipelineOption_ThrowsNamingIt()
    {
        var sdk = new OpenAIClient(new ApiKeyCredential(Key));

        var ex = Assert.Throws<ArgumentException>(() =>
            new OpenAIV1ChatClient(sdk, new Uri("https://x.services.ai.azure.com/openai/v1"), new OpenAIV1ChatClientOptions { HttpClient = new HttpClient() }));

        Assert.Equal("HttpClient", ex.ParamName);
    }

    [Fact]
    public async Task Exception_Of429_IsClassifiedByTheResilienceLayerWithItsRetryAfter()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json("""{"error":{"code":"429","message":"Please retry after 26 seconds."}}""", 429, "Too Many Requests", ("Retry-After", "26")));
        using var client = NewClient(server);
        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        var failure = TransientFailureClassifier.Classify(ex, FrozenSet.Create(429, 503), TimeProvider.System, CancellationToken.None);

        Assert.Equal(new AttemptFailure(true, 429, "429", TimeSpan.FromSeconds(26)), failure);
    }

    [Fact]
    public async Task GetResponseAsync_GatewayErrorWithoutServerRequestId_QuotesTheClientRequestIdSent()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json("upstream timeout", 504, "Gateway Timeout"));
        using var client = NewClient(server);

        var ex = await Assert.ThrowsAsync<MaiServiceException>(() => client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(server.Requests.Single().Header("x-ms-client-request-id"), ex.RequestId);
        Assert.Contains("[request id " + ex.RequestId + "]", ex.Message);
        Assert.Equal((504, "upstream timeout"), (ex.Status, ex.ServiceMessage));
    }

    [Fact]
    public async Task GetResponseAsync_RawRepresentation_ExposesStatusHeadersAndBodyAfterTheCall()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion(), 200, "OK", ("x-ratelimit-remaining-tokens", "8404")));
        using var client = NewClient(server);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        var raw = Assert.IsAssignableFrom<Azure.Response>(response.RawRepresentation);
        Assert.Equal(200, raw.Status);
        Assert.True(raw.Headers.TryGetValue("x-ratelimit-remaining-tokens", out var remaining));
        Assert.Equal("8404", remaining);
        Assert.Equal(Completion(), raw.Content.ToString());
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

    /// <summary>In-process transport for https endpoints (bearer tokens are not sent over plain http): answers a canned completion.</summary>
    private sealed class CannedHandler : HttpMessageHandler
    {
        public List<string> Authorization { get; } = [];

        public List<string?> ApiKeys { get; } = [];

        public List<string> Uris { get; } = [];

        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization.Add(request.Headers.Authorization?.ToString() ?? "<none>");
            ApiKeys.Add(request.Headers.TryGetValues("api-key", out var keys) ? keys.Single() : null);
            Uris.Add(request.RequestUri!.ToString());
            Bodies.Add(request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Completion())) { Headers = { { "Content-Type", "application/json" } } },
            };
        }
    }
}
