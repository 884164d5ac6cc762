using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace Mai.Client.Redis.Tests;

/// <summary>The budget layer and <see cref="MaiClient"/> over a shared <see cref="RedisBudgetStore"/>.</summary>
public sealed class RedisBudgetChatClientTests(RedisServerFixture redis)
{
    private readonly string _prefix = $"test-{Guid.NewGuid():N}:";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatMessage[] Prompt => [new(ChatRole.User, "Hello world!")];

    [Fact]
    public async Task GetResponseAsync_AfterCall_SettlesToRealUsageNotReservation()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        var inner = new AnswerClient(input: 30, output: 20);
        using var client = new BudgetChatClient(inner, Options(connection, new BudgetLimit { Name = "acme", Tenant = "acme", MaxTokens = 1000, MaxCost = 1m }), timeProvider: _time);

        await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 500, ModelId = "gpt-4o" }.WithScope(tenant: "acme"), Ct);

        var balance = await client.GetBalanceAsync("acme", new MaiScope(Tenant: "acme"), Ct);
        Assert.Equal(50, balance.Tokens);
        Assert.Equal(((30 * 3.00m) + (20 * 12.00m)) / 1_000_000m, balance.Cost);
    }

    [Fact]
    public async Task GetResponseAsync_MinuteWindow_StartsOverNextMinute()
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        var inner = new AnswerClient(input: 10, output: 90);
        using var client = new BudgetChatClient(inner, Options(connection, new BudgetLimit { Name = "rpm-ish", Window = BudgetWindow.Minute, MaxTokens = 100 }), timeProvider: _time);
        var options = new ChatOptions { MaxOutputTokens = 90, ModelId = "gpt-4o" };

        await client.GetResponseAsync(Prompt, options, Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, options, Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        await client.GetResponseAsync(Prompt, options, Ct);

        Assert.Equal(2, inner.CallCount);
        Assert.Equal(0m, ex.Remaining);
        Assert.Equal(new DateTimeOffset(2026, 11, 29, 12, 1, 0, TimeSpan.Zero), ex.ResetsAt);
        Assert.Equal(100, (await client.GetBalanceAsync("rpm-ish", cancellationToken: Ct)).Tokens);
    }

    [Fact]
    public async Task MaiClient_TwoInstancesShareOneRedisBudget_RefuseTheOverspendingCallBeforeSending()
    {
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        guard.CancelAfter(TimeSpan.FromSeconds(30));
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: guard.Token);
        await using var connectionA = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        await using var connectionB = await ConnectionMultiplexer.ConnectAsync(redis.Require());
        const int maxOutput = 8;
        var reservation = TokenEstimator.Default.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]) + maxOutput;
        var limit = new BudgetLimit { Name = "fleet", Tenant = "acme", Window = BudgetWindow.Day, MaxTokens = (2 * reservation) - 1 };
        using var clientA = new MaiClient(ClientOptions(emu, new RedisBudgetStore(connectionA, _prefix), limit));
        using var clientB = new MaiClient(ClientOptions(emu, new RedisBudgetStore(connectionB, _prefix), limit));
        var callOptions = new ChatOptions { MaxOutputTokens = maxOutput }.WithScope(tenant: "acme");

        var first = await clientA.AskAsync("Why is the sky blue?", callOptions, guard.Token);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => clientB.AskAsync("Why is the sky blue?", callOptions, guard.Token));

        var spent = first.Usage!.TotalTokenCount;
        var balance = await clientB.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("fleet", new MaiScope(Tenant: "acme"), guard.Token);
        Assert.Equal(spent, balance.Tokens); // instance B sees what instance A spent
        Assert.Single(emu.Requests, r => r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("tenant 'acme' (budget 'fleet')", ex.Scope);
        Assert.Equal((2 * reservation) - 1 - spent, ex.Remaining);
        Assert.Equal(reservation, ex.Requested);
    }

    private static MaiClientOptions ClientOptions(MaiEmulator emu, RedisBudgetStore store, BudgetLimit limit)
    {
        var options = new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = "gpt-4o", BudgetStore = store };
        options.Budgets.Add(new BudgetLimit { Name = limit.Name, Tenant = limit.Tenant, Window = limit.Window, MaxTokens = limit.MaxTokens });
        return options;
    }

    private BudgetOptions Options(IConnectionMultiplexer connection, BudgetLimit limit) => new()
    {
        Limits = [limit],
        PriceTable = new PriceTable(new PriceTableOptions { Models = { ["gpt-4o"] = new ModelPrice { InputPerMillion = 3.00m, OutputPerMillion = 12.00m } } }),
        Store = new RedisBudgetStore(connection, _prefix, _time),
    };

    /// <summary>An inner client that answers with fixed usage and counts the calls that reached it.</summary>
    private sealed class AnswerClient(long input, long output) : IChatClient
    {
        private int _calls;

        public int CallCount => _calls;

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
            });
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
