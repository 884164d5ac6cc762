using Mai.Client.Transport;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>The shared request suite against <see cref="AzureInferenceChatClient"/>, plus its own routes and headers.</summary>
public sealed class AzureInferenceChatClientRequestTests() : ChatTransportRequestTests(TransportUnderTest.AzureInference)
{
    [Theory]
    [InlineData("/models/", "/models/chat/completions?api-version=2024-05-01-preview")]
    [InlineData("/models", "/models/chat/completions?api-version=2024-05-01-preview")]
    [InlineData("/", "/chat/completions?api-version=2024-05-01-preview")]
    public async Task GetResponseAsync_EndpointWithTrailingSlash_PostsToTrimmedPath(string path, string expectedTarget)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, path: path);

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal("POST", server.Requests.Single().Method);
        Assert.Equal(expectedTarget, server.Requests.Single().Target);
    }

    [Theory]
    [InlineData("2025-04-01", "/models/chat/completions?api-version=2025-04-01")]
    [InlineData(null, "/models/chat/completions")]
    public async Task GetResponseAsync_ApiVersionOption_IsSentAsConfigured(string? apiVersion, string expectedTarget)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new AzureInferenceChatClientOptions { ApiVersion = apiVersion });

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(expectedTarget, server.Requests.Single().Target);
    }

    [Fact]
    public async Task GetResponseAsync_KeyCredential_SendsApiKeyRequestIdAndApplicationId()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new AzureInferenceChatClientOptions { ApplicationId = "mai-tests/1.0" });

        await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        var request = server.Requests.Single();
        Assert.Equal(Key, request.Header("api-key"));
        Assert.False(string.IsNullOrEmpty(request.Header("x-ms-client-request-id")));
        Assert.StartsWith("mai-tests/1.0 azsdk-net-AI.Inference/", request.Header("User-Agent"));
        Assert.Null(request.Header("extra-parameters"));
    }
}
