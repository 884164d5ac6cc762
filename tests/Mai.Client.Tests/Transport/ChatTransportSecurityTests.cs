using Azure;
using Azure.Core;
using Mai.Client.Errors;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>Where credentials may go (issue 12: 7, 10, 11, 16), every transport; run once per transport by the derived classes.</summary>
public abstract class ChatTransportSecurityTests(TransportUnderTest transport)
{
    public static TheoryData<bool, bool, int> RedirectCases()
    {
        var data = new TheoryData<bool, bool, int>();
        foreach (var callerClient in new[] { false, true })
        {
            foreach (var streaming in new[] { false, true })
            {
                foreach (var status in new[] { 307, 308, 301, 302 })
                {
                    data.Add(callerClient, streaming, status);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RedirectCases))]
    public async Task Call_RedirectToAnotherOrigin_IsATypedErrorNamingTheOriginAndTheKeyStaysHome(bool callerClient, bool streaming, int status)
    {
        await using var other = new LoopbackServer(ScriptedReply.Json(Completion()));
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Status = status,
            Reason = "Redirect",
            Headers = [new("Location", new Uri(other.Endpoint, "/stolen?x=1").ToString())],
        });
        using var caller = new HttpClient(); // follows redirects, as a default HttpClient or an IHttpClientFactory client does
        using var client = transport.Create(server, new TransportSettings { HttpClient = callerClient ? caller : null });

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => streaming
            ? CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))
            : client.GetResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal("redirect_refused", e.ErrorCode);
        Assert.Contains("redirected to " + other.Endpoint.GetLeftPart(UriPartial.Authority) + ";", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("stolen", e.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
        if (!callerClient)
        {
            Assert.Equal(status, e.Status);
            Assert.Empty(other.Requests); // never followed: nothing, let alone a credential, reaches the other origin
        }
        else
        {
            // The caller's handler follows by itself (its settings are private); .NET drops Authorization but not api-key, so the
            // README tells callers to turn AllowAutoRedirect off. What the transport guarantees: the foreign answer is never used.
            Assert.True(other.Requests.Count <= 1);
        }
    }

    [Fact]
    public async Task Call_RedirectLoopToTheSameOrigin_IsOneRequest()
    {
        LoopbackServer? self = null;
        await using var server = self = new LoopbackServer((_, _) => new ScriptedReply
        {
            Status = 307,
            Reason = "Temporary Redirect",
            Headers = [new("Location", new Uri(self!.Endpoint, "/models/chat/completions").ToString())],
        });
        using var client = transport.Create(server);

        var e = await Assert.ThrowsAsync<MaiServiceException>(() => CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard())));

        Assert.Equal((307, "redirect_refused"), (e.Status, e.ErrorCode));
        Assert.Single(server.Requests);
    }
}

public sealed class AzureInferenceChatClientSecurityTests() : ChatTransportSecurityTests(TransportUnderTest.AzureInference)
{
    [Theory]
    [InlineData("http://example.com/models")]
    [InlineData("http://10.0.0.5/models")]
    public void Constructor_KeyOverPlainHttpToANonLoopbackHost_IsRefused(string endpoint)
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureInferenceChatClient(new Uri(endpoint), new AzureKeyCredential(Key)));

        Assert.Equal("endpoint", e.ParamName);
        Assert.Contains("plain http", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_TokenOverPlainHttp_IsRefusedEvenToLoopback()
    {
        var e = Assert.Throws<ArgumentException>(() => new AzureInferenceChatClient(new Uri("http://127.0.0.1:5000/models"), new StaticTokenCredential()));

        Assert.Equal("endpoint", e.ParamName);
    }

    [Fact]
    public void Constructor_KeyOverPlainHttpToLoopback_IsAllowed()
    {
        using var client = new AzureInferenceChatClient(new Uri("http://localhost:5000/models"), new AzureKeyCredential(Key));

        Assert.Equal(new Uri("http://localhost:5000/models/chat/completions?api-version=2024-05-01-preview"), client.ChatCompletionsUri);
    }
}

public sealed class OpenAIV1ChatClientSecurityTests() : ChatTransportSecurityTests(TransportUnderTest.OpenAIV1)
{
    [Theory]
    [InlineData("https://res.services.ai.azure.com/openai/v1", "https://cognitiveservices.azure.com/.default")]
    [InlineData("https://mistral.eastus2.models.ai.azure.com", "https://ml.azure.com/.default")]
    [InlineData("https://mistral.eastus2.inference.ai.azure.com", "https://ml.azure.com/.default")]
    public void Constructor_TokenCredential_RequestsTheSameAudienceAsTheAzureTransport(string endpoint, string expected)
    {
        using var openAI = new OpenAIV1ChatClient(new Uri(endpoint), new StaticTokenCredential());
        using var azure = new AzureInferenceChatClient(new Uri(endpoint), new StaticTokenCredential());

        Assert.Equal((expected, expected), (openAI.TokenScope, azure.TokenScope));
    }
}

/// <summary>A token credential that answers a fixed token (these tests never send).</summary>
internal sealed class StaticTokenCredential : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("t", DateTimeOffset.MaxValue);

    public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
}

/// <summary>The <c>IHttpClientFactory</c> client a hosted <see cref="MaiClient"/> sends through does not follow redirects.</summary>
public sealed class HttpClientFactoryRedirectTests
{
    [Theory]
    [InlineData(null, "Mai")]
    [InlineData("gpt4o", "gpt4o")]
    public async Task AddMaiClient_FactoryClient_DoesNotFollowARedirectToAnotherOrigin(string? name, string clientName)
    {
        await using var other = new LoopbackServer(ScriptedReply.Json(Completion()));
        await using var server = new LoopbackServer(new ScriptedReply
        {
            Status = 307,
            Reason = "Temporary Redirect",
            Headers = [new("Location", new Uri(other.Endpoint, "/stolen").ToString())],
        });
        var services = new ServiceCollection();
        services.AddHttpClient(clientName);
        if (name is null)
        {
            services.AddMaiClient(o => { o.Endpoint = server.Endpoint; o.ApiKey = Key; });
        }
        else
        {
            services.AddMaiClient(name, o => { o.Endpoint = server.Endpoint; o.ApiKey = Key; });
        }

        await using var provider = services.BuildServiceProvider();
        using var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(clientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Endpoint, "/models/chat/completions")) { Content = new StringContent("{}") };
        request.Headers.Add("api-key", Key);

        using var response = await http.SendAsync(request, Guard());

        Assert.Equal(System.Net.HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Empty(other.Requests);
    }
}
