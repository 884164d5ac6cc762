using Mai.Client.Accounting;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

public class RateLimitHeadersTests
{
    [Fact]
    public async Task GetResponseAsync_RemainingQuotaHeaders_CopiedForTheMeteringLayer()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion(), 200, "OK", ("x-ratelimit-remaining-tokens", "8404"), ("x-ratelimit-remaining-requests", "9")));
        using var client = NewClient(server);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Equal(8404L, response.AdditionalProperties![MeteringChatClient.RemainingTokensKey]);
        Assert.Equal(9L, response.AdditionalProperties![MeteringChatClient.RemainingRequestsKey]);
    }

    [Fact]
    public async Task GetResponseAsync_NoQuotaHeaders_NoProperties()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);

        var response = await client.GetResponseAsync(Hello(), cancellationToken: Guard());

        Assert.Null(response.AdditionalProperties);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RemainingQuotaHeaders_OnTheFirstUpdate()
    {
        var reply = ScriptedReply.Sse([Chunk("""{"content":"Hi"}"""), Chunk("{}", "stop")]);
        reply.Headers.Add(new("x-ratelimit-remaining-tokens", "120"));
        await using var server = new LoopbackServer(reply);
        using var client = NewClient(server);

        var updates = await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()));

        Assert.Equal(120L, updates[0].AdditionalProperties![MeteringChatClient.RemainingTokensKey]);
        Assert.All(updates.Skip(1), u => Assert.False(u.AdditionalProperties?.ContainsKey(MeteringChatClient.RemainingTokensKey) ?? false));
    }
}
