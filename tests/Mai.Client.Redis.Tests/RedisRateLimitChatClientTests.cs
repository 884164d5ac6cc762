using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mai.Client.Redis.Tests;

/// <summary>Two <see cref="MaiClient"/> instances on their own connections to one <see cref="RedisRateLimitStore"/>, against the emulator:
/// what one instance learns from the service (remaining quota, a 429's wait) slows the other down.</summary>
public sealed class RedisRateLimitChatClientTests(RedisServerFixture redis)
{
    private const string Question = "Why is the sky blue?";
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 5, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int PromptTokens => TokenEstimator.Default.EstimatePromptTokens([new ChatMessage(ChatRole.User, Question)]);

    [Fact]
    public async Task AskAsync_ServiceReportsRemainingTokens_TheOtherInstanceIsRefusedBeforeSending()
    {
        await using var emu = await StartEmulatorAsync(EmulatedModel.Gpt4o with { TokensPerMinute = 1_000 });
        await using var a = await Instance();
        await using var b = await Instance();
        using var clientA = Client(emu, a.Store, tokensPerMinute: 100_000); // the client believes it has far more than the service gives
        using var clientB = Client(emu, b.Store, tokensPerMinute: 100_000);

        await clientA.AskAsync(Question, new ChatOptions { MaxOutputTokens = 16 }, Ct);
        var remaining = 1_000 - PromptTokens - 16; // x-ratelimit-remaining-tokens on A's answer
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() =>
            clientB.AskAsync(Question, new ChatOptions { MaxOutputTokens = remaining - PromptTokens + 1 }, Ct));

        Assert.Equal(remaining, ex.Remaining);
        Assert.Single(emu.Requests); // B sent nothing
        await clientB.AskAsync(Question, new ChatOptions { MaxOutputTokens = remaining - PromptTokens }, Ct); // exactly what is left fits
    }

    [Fact]
    public async Task AskAsync_429WithRetryAfter_TheOtherInstanceWaitsItOut()
    {
        await using var emu = await StartEmulatorAsync(EmulatedModel.Gpt4o);
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(7), RetryAfterHeader.RetryAfterMs));
        await using var a = await Instance();
        await using var b = await Instance();
        using var clientA = Client(emu, a.Store, tokensPerMinute: 10_000);
        using var clientB = Client(emu, b.Store, tokensPerMinute: 10_000);
        var options = new ChatOptions { MaxOutputTokens = 16 };

        var throttled = await Assert.ThrowsAnyAsync<RequestFailedException>(() => clientA.AskAsync(Question, options, Ct));
        var refused = await Assert.ThrowsAsync<BudgetExceededException>(() => clientB.AskAsync(Question, options, Ct));
        _time.Advance(TimeSpan.FromSeconds(7));
        var answer = await clientB.AskAsync(Question, options, Ct);

        Assert.Equal(429, throttled.Status);
        Assert.Equal(_time.GetUtcNow(), refused.ResetsAt);
        Assert.Contains("429", refused.Message, StringComparison.Ordinal);
        Assert.NotEmpty(answer.Answer);
        Assert.Equal(2, emu.Requests.Count); // A's 429 and B's answer: B's refused call sent nothing
    }

    [Fact]
    public async Task AddMaiRedis_AddMaiClientTakesTheStoresFromTheContainer_AdmissionCountsLandInRedis()
    {
        await using var emu = await StartEmulatorAsync(EmulatedModel.Gpt4o);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddMaiClient(o =>
        {
            o.Endpoint = emu.Endpoint;
            o.ApiKey = emu.ApiKey;
            o.Model = "gpt-4o";
            o.DeploymentName = "gpt4o-east";
            o.TokensPerMinute = 10_000;
        });
        services.AddMaiRedis(redis.Require(), o => o.KeyPrefix = _prefix);
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MaiClient>();

        var result = await client.AskAsync(Question, new ChatOptions { MaxOutputTokens = 16 }, Ct);

        Assert.IsType<RedisRateLimitStore>(provider.GetRequiredService<IRateLimitStore>());
        Assert.IsType<RedisBudgetStore>(provider.GetRequiredService<IBudgetStore>());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        var counted = await connection.GetDatabase().HashGetAsync($"{_prefix}mai:rate:gpt4o-east", $"t{_time.GetUtcNow().ToUnixTimeMilliseconds() / 10_000}");
        Assert.Equal(result.Usage!.InputTokenCount + result.Usage.OutputTokenCount, (long)counted); // reserved, then settled to the reported usage
    }

    private static async Task<MaiEmulator> StartEmulatorAsync(EmulatedModel model)
    {
        var options = new MaiEmulatorOptions();
        options.Models.Add(model);
        return await MaiEmulator.StartAsync(options, Ct);
    }

    private MaiClient Client(MaiEmulator emu, IRateLimitStore store, int tokensPerMinute)
    {
        var options = new MaiClientOptions
        {
            Endpoint = emu.Endpoint,
            ApiKey = emu.ApiKey,
            Model = "gpt-4o",
            TokensPerMinute = tokensPerMinute,
            RateLimitStore = store,
            TimeProvider = _time,
        };
        options.Resilience.MaxRetries = 0;
        return new MaiClient(options);
    }

    private async Task<Instance> Instance()
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        return new Instance(connection, new RedisRateLimitStore(connection, new RedisRateLimitStoreOptions { KeyPrefix = _prefix }, _time));
    }
}
