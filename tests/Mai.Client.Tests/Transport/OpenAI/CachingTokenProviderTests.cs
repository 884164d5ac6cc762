using System.ClientModel.Primitives;
using Azure.Core;
using Mai.Client.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Transport;

public class CachingTokenProviderTests
{
    private static readonly DateTimeOffset s_start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task GetTokenAsync_UntilFiveMinutesBeforeExpiry_ReusesTheTokenThenRefreshes()
    {
        var time = new FakeTimeProvider(s_start);
        var credential = new ScriptedCredential(time, expiresIn: TimeSpan.FromMinutes(60));
        using var cache = new CachingTokenProvider(credential, time);
        var options = Options(cache);

        var first = await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(54));
        var reused = await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1));
        var refreshed = await cache.GetTokenAsync(options, CancellationToken.None);

        Assert.Equal(("token-1", "token-1", "token-2"), (first.TokenValue, reused.TokenValue, refreshed.TokenValue));
        Assert.Equal(2, credential.Calls);
        Assert.Equal(["https://cognitiveservices.azure.com/.default"], credential.Scopes.Distinct());
    }

    [Fact]
    public async Task GetTokenAsync_TokenWithRefreshOn_RefreshesAtThatTime()
    {
        var time = new FakeTimeProvider(s_start);
        var credential = new ScriptedCredential(time, expiresIn: TimeSpan.FromHours(24), refreshIn: TimeSpan.FromHours(1));
        using var cache = new CachingTokenProvider(credential, time);
        var options = Options(cache);

        await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(59));
        var beforeRefresh = await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var atRefresh = await cache.GetTokenAsync(options, CancellationToken.None);

        Assert.Equal(("token-1", "token-2"), (beforeRefresh.TokenValue, atRefresh.TokenValue));
    }

    [Fact]
    public async Task GetTokenAsync_RefreshFailsWhileTokenStillValid_UsesTheOldTokenAndTriesAgainNextTime()
    {
        var time = new FakeTimeProvider(s_start);
        var credential = new ScriptedCredential(time, expiresIn: TimeSpan.FromMinutes(10));
        using var cache = new CachingTokenProvider(credential, time);
        var options = Options(cache);
        await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(6)); // inside the 5-minute refresh margin, not expired
        credential.Fail = true;

        var old = await cache.GetTokenAsync(options, CancellationToken.None);
        credential.Fail = false;
        var renewed = await cache.GetTokenAsync(options, CancellationToken.None);

        Assert.Equal(("token-1", "token-3"), (old.TokenValue, renewed.TokenValue));
        Assert.Equal(3, credential.Calls);
    }

    [Fact]
    public async Task GetTokenAsync_RefreshFailsAfterExpiry_Throws()
    {
        var time = new FakeTimeProvider(s_start);
        var credential = new ScriptedCredential(time, expiresIn: TimeSpan.FromMinutes(10));
        using var cache = new CachingTokenProvider(credential, time);
        var options = Options(cache);
        await cache.GetTokenAsync(options, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(10));
        credential.Fail = true;

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetTokenAsync(options, CancellationToken.None).AsTask());
        Assert.Throws<InvalidOperationException>(() => cache.GetToken(options, CancellationToken.None));

        Assert.Equal("credential unavailable", ex.Message);
    }

    [Fact]
    public async Task GetTokenAsync_ManyConcurrentCallers_AskTheCredentialOnce()
    {
        var time = new FakeTimeProvider(s_start);
        var credential = new ScriptedCredential(time, expiresIn: TimeSpan.FromHours(1)) { Gate = new TaskCompletionSource() };
        using var cache = new CachingTokenProvider(credential, time);
        var options = Options(cache);

        var calls = Enumerable.Range(0, 8).Select(_ => cache.GetTokenAsync(options, CancellationToken.None).AsTask()).ToList();
        credential.Gate.SetResult();
        var tokens = await Task.WhenAll(calls).WaitAsync(TransportTestKit.Guard());

        Assert.All(tokens, t => Assert.Equal("token-1", t.TokenValue));
        Assert.Equal(1, credential.Calls);
    }

    private static GetTokenOptions Options(CachingTokenProvider cache) =>
        cache.CreateTokenOptions(new Dictionary<string, object> { ["scopes"] = new[] { "https://cognitiveservices.azure.com/.default" } })!;

    private sealed class ScriptedCredential(TimeProvider time, TimeSpan expiresIn, TimeSpan? refreshIn = null) : TokenCredential
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public bool Fail { get; set; }

        public TaskCompletionSource? Gate { get; init; }

        public List<string> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _calls);
            lock (Scopes)
            {
                Scopes.AddRange(requestContext.Scopes);
            }

            if (Fail)
            {
                throw new InvalidOperationException("credential unavailable");
            }

            var now = time.GetUtcNow();
            return new AccessToken($"token-{n}", now + expiresIn, refreshIn is { } r ? now + r : null);
        }

        public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            if (Gate is not null)
            {
                await Gate.Task;
            }

            return GetToken(requestContext, cancellationToken);
        }
    }
}
