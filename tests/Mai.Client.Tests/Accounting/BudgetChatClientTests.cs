using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Accounting;

public class BudgetChatClientTests
{
    // 3 (priming) + 3 (message) + 1 ("user") + 3 ("Hello world!")
    private const int PromptTokens = 10;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly TestChatClient _inner = new();
    private readonly UsageLedger _ledger = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatMessage[] Prompt => [new(ChatRole.User, "Hello world!")];

    private static ChatOptions Acme(int maxOutput) => new ChatOptions { MaxOutputTokens = maxOutput, ModelId = "gpt-4o" }.WithScope(user: "alice", tenant: "acme");

    [Fact]
    public async Task GetResponseAsync_ReservationDoesNotFit_ThrowsNamingScopeLimitAndLeftAndSendsNothing()
    {
        using var client = CreatePipeline(new BudgetLimit { Name = "tenant-daily", Tenant = "*", Window = BudgetWindow.Day, MaxTokens = 100 });

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, Acme(200), Ct));

        Assert.Equal(0, _inner.Calls);
        Assert.Equal("tenant 'acme' (budget 'tenant-daily')", ex.Scope);
        Assert.Equal("100 tokens per day", ex.Limit);
        Assert.Equal(100m, ex.Remaining);
        Assert.Equal(PromptTokens + 200, ex.Requested);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), ex.ResetsAt);
        Assert.Equal(
            "Budget exceeded for tenant 'acme' (budget 'tenant-daily'): the limit is 100 tokens per day, 100 tokens left, this call needs 210 tokens (prompt ≈ 10 estimated + 200 output reserved). No request was sent.",
            ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_AfterCall_SettlesToRealUsageNotReservation()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: 30, output: 20));
        using var client = CreatePipeline(new BudgetLimit { Name = "acme", Tenant = "acme", MaxTokens = 1000, MaxCost = 1m });

        await client.GetResponseAsync(Prompt, Acme(500), Ct);

        var balance = await client.GetBalanceAsync("acme", new MaiScope(Tenant: "acme"), Ct);
        Assert.Equal(50, balance.Tokens);
        Assert.Equal(((30 * 3.00m) + (20 * 12.00m)) / 1_000_000m, balance.Cost);
    }

    [Fact]
    public async Task GetResponseAsync_FailedAndRetriedAttempts_SettlesTheSumOfAllBilledAttempts()
    {
        var attempt = 0;
        _inner.GetResponseAsyncCallback = (_, _, _) => ++attempt switch
        {
            1 => Task.FromException<ChatResponse>(new RequestFailedException(503, "busy")), // billed nothing, recorded with 0
            2 => Task.FromException<ChatResponse>(new IOException("cut after sending")), // may be billed: prompt estimate
            _ => Task.FromResult(Answer(input: 30, output: 20)),
        };
        var metering = new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", new MeteringOptions { Ledger = _ledger, PriceTable = MeteringChatClientTests.Prices }, timeProvider: _time);
        using var client = new BudgetChatClient(new RetryThreeTimes(metering), Options(new BudgetLimit { Name = "all", MaxTokens = 1000 }), timeProvider: _time);

        await client.GetResponseAsync(Prompt, Acme(100), Ct);

        Assert.Equal(3, _ledger.Count);

        // The IOException attempt reached the service, whose output is unknown: it is settled at its worst case (prompt + the
        // 100 output tokens reserved), never at the prompt alone (issue 12, items 2 and 4).
        Assert.Equal(UsageSource.Unknown, _ledger.GetRecords()[1].Source);
        Assert.Equal(PromptTokens + 100 + 50, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
    }

    [Fact]
    public async Task GetResponseAsync_InnerThrowsBeforeReachingService_ReleasesTheReservation()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("Connection refused"));
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt, Acme(100), Ct));

        Assert.Equal(default, await client.GetBalanceAsync("all", cancellationToken: Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsEarly_SettlesToTheAbandonedAttemptsEstimate()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream(
            [TestChatClient.Text("Hello, world!"), TestChatClient.Text(" never read"), TestChatClient.Usage(999, 999)], cancellationToken: ct);
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        await foreach (var update in client.GetStreamingResponseAsync(Prompt, Acme(500), Ct))
        {
            Assert.Equal(PromptTokens + 500, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens); // reserved while in flight
            break;
        }

        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(UsageOutcome.Abandoned, record.Outcome);
        Assert.Equal(PromptTokens + 4, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Completed_SettlesToReportedUsage()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream([TestChatClient.Text("Hi"), TestChatClient.Usage(40, 2)], cancellationToken: ct);
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        var updates = await MeteringChatClientTests.ToListAsync(client.GetStreamingResponseAsync(Prompt, Acme(100), Ct));

        Assert.Equal(3, updates.Count);
        Assert.Equal(42, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
    }

    [Fact]
    public async Task GetResponseAsync_HundredConcurrentCalls_NeverAdmitMoreThanTheLimit()
    {
        // Each call reserves exactly 100 tokens (10 prompt + 90 output); the limit holds 10 of them.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settled = new AsyncCountdown(100);
        var inFlight = 0;
        var maxInFlight = 0;
        _inner.GetResponseAsyncCallback = async (_, _, _) =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref maxInFlight, now);
            settled.Signal();
            await release.Task;
            Interlocked.Decrement(ref inFlight);
            return Answer(input: 10, output: 80);
        };
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => CallSignallingRefusal(client, settled), Ct)).ToList();
        // Wait until every call was refused or is held inside the handler (signalled there, not at the client's entry, so that
        // no admitted call can still be on its way in when the handler is released).
        await settled.Reached.WaitAsync(Ct);

        var reservedWhileInFlight = (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens;
        release.SetResult();
        var results = await Task.WhenAll(calls.Select(async c => { try { await c; return "ok"; } catch (BudgetExceededException) { return "refused"; } }));

        Assert.Equal(10, results.Count(r => r == "ok"));
        Assert.Equal(90, results.Count(r => r == "refused"));
        Assert.Equal(10, _inner.Calls);
        Assert.Equal(10, maxInFlight);
        Assert.Equal(1000, reservedWhileInFlight);
        Assert.Equal(900, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
    }

    [Fact]
    public async Task GetResponseAsync_RealUsageAboveReservation_OverspendBoundedByInFlightUnderestimate()
    {
        // Every admitted call reserves 100 but really uses 150 (the service produced more than estimated).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var settled = new AsyncCountdown(100);
        _inner.GetResponseAsyncCallback = async (_, _, _) =>
        {
            settled.Signal();
            await release.Task;
            return Answer(input: 70, output: 80);
        };
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        var calls = Enumerable.Range(0, 100).Select(_ => Task.Run(() => CallSignallingRefusal(client, settled), Ct)).ToList();
        await settled.Reached.WaitAsync(Ct);

        release.SetResult();
        await Task.WhenAll(calls.Select(async c => { try { await c; } catch (BudgetExceededException) { } }));

        var admitted = _inner.Calls;
        var used = (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens;
        Assert.Equal(10, admitted);
        Assert.Equal(1500, used);
        Assert.True(used - 1000 <= admitted * (150 - 100));

        // Once over the limit, nothing more is admitted.
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, Acme(1), Ct));
        Assert.Equal(10, _inner.Calls);
    }

    /// <summary>One call of the concurrency tests: a refusal signals <paramref name="settled"/> (an admitted call signals inside the handler).</summary>
    private static async Task<ChatResponse> CallSignallingRefusal(IChatClient client, AsyncCountdown settled)
    {
        try
        {
            return await client.GetResponseAsync(Prompt, Acme(90), Ct);
        }
        catch (BudgetExceededException)
        {
            settled.Signal();
            throw;
        }
    }

    [Fact]
    public async Task GetResponseAsync_CostLimitOnUnpricedModel_RefusedWithReason()
    {
        using var client = CreatePipeline(new BudgetLimit { Name = "spend", MaxCost = 5m });

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, new ChatOptions { ModelId = "MAI-Thinking-1" }, Ct));

        Assert.Equal(0, _inner.Calls);
        Assert.Equal(
            "Budget exceeded for all calls (budget 'spend'): the limit is 5 USD per day, but model 'MAI-Thinking-1' has no price, so its cost cannot be checked against the limit. Add a price for it to the PriceTable (or set BudgetOptions.RefuseUnpricedModels = false). No request was sent.",
            ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_CostLimit_RefusesWhenReservedCostDoesNotFit()
    {
        using var client = CreatePipeline(new BudgetLimit { Name = "spend", MaxCost = 0.001m, Window = BudgetWindow.Month });

        // 10 × 3.00 + 100 × 12.00 = 1230 per million = 0.00123 > 0.001
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, Acme(100), Ct));

        Assert.Equal("USD", ex.Unit);
        Assert.Equal(0.00123m, ex.Requested);
        Assert.Equal(0.001m, ex.Remaining);
        Assert.Equal("0.001 USD per month", ex.Limit);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), ex.ResetsAt);
    }

    [Fact]
    public async Task GetResponseAsync_MinuteWindow_StartsOverNextMinute()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: 10, output: 90));
        using var client = CreatePipeline(new BudgetLimit { Name = "rpm-ish", Window = BudgetWindow.Minute, MaxTokens = 100 });

        await client.GetResponseAsync(Prompt, Acme(90), Ct);
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, Acme(90), Ct));
        _time.Advance(TimeSpan.FromMinutes(1));
        await client.GetResponseAsync(Prompt, Acme(90), Ct);

        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_ScopeSelectors_OnlyMatchingCallsCount()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: 10, output: 10));
        using var client = CreatePipeline(new BudgetLimit { Name = "per-user", User = "*", MaxTokens = 20 });

        await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 10 }.WithScope(user: "alice"), Ct);
        await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 10 }.WithScope(user: "bob"), Ct);
        await client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 10 }, Ct); // no user: the per-user limit does not apply

        Assert.Equal(20, (await client.GetBalanceAsync("per-user", new MaiScope("alice"), Ct)).Tokens);
        Assert.Equal(20, (await client.GetBalanceAsync("per-user", new MaiScope("bob"), Ct)).Tokens);
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 10 }.WithScope(user: "alice"), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_CallerOptions_NeverMutated()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: 1, output: 1));
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });
        var options = Acme(10);
        var before = options.AdditionalProperties!.Count;

        await client.GetResponseAsync(Prompt, options, Ct);

        Assert.Equal(before, options.AdditionalProperties.Count);
        Assert.False(options.AdditionalProperties.ContainsKey(MaiCallContext.OptionsKey));
        Assert.NotNull(MaiCallContext.Get(_inner.SeenOptions.Single()));
    }

    [Fact]
    public async Task GetResponseAsync_NoMeteringBelow_SettlesFromResponseUsage()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: 7, output: 5));
        using var client = new BudgetChatClient(_inner, Options(new BudgetLimit { Name = "all", MaxTokens = 1000 }), timeProvider: _time);

        await client.GetResponseAsync(Prompt, Acme(100), Ct);

        Assert.Equal(12, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
    }

    [Theory]
    [InlineData(null, null, "BudgetOptions.Limits[0] sets neither MaxTokens nor MaxCost. (Parameter 'options')")]
    [InlineData(-5L, null, "BudgetOptions.Limits[0].MaxTokens must be positive (was -5). (Parameter 'options')")]
    [InlineData(null, -1.5, "BudgetOptions.Limits[0].MaxCost must be positive (was -1.5). (Parameter 'options')")]
    public void Constructor_InvalidLimit_ThrowsNamingTheProperty(long? maxTokens, double? maxCost, string message)
    {
        var limit = new BudgetLimit { MaxTokens = maxTokens, MaxCost = (decimal?)maxCost };

        var ex = Assert.Throws<ArgumentException>(() => new BudgetChatClient(_inner, new BudgetOptions { Limits = [limit] }));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public void BudgetOptions_Defaults_AreDocumentedValues()
    {
        var options = new BudgetOptions();
        Assert.Empty(options.Limits);
        Assert.Null(options.Store);
        Assert.Same(PriceTable.Default, options.PriceTable);
        Assert.Null(options.TokenEstimator);
        Assert.Null(options.ModelId);
        Assert.Empty(options.FallbackModelIds);
        Assert.Null(options.ContextWindowTokens);
        Assert.Equal(16_384, options.OutputTokenCeilings["gpt-4o"]);
        Assert.Equal(4096, options.DefaultOutputTokenReservation);
        Assert.True(options.RefuseUnpricedModels);
        Assert.Equal(BudgetWindow.Day, new BudgetLimit().Window);
    }

    [Fact]
    public async Task GetResponseAsync_FallbackToPricierModel_ReservationPricedAtTheMostExpensiveReachableModel()
    {
        var prices = new PriceTable(new PriceTableOptions
        {
            Models =
            {
                ["cheap"] = new ModelPrice { InputPerMillion = 1.00m, OutputPerMillion = 2.00m },
                ["dear"] = new ModelPrice { InputPerMillion = 10.00m, OutputPerMillion = 40.00m },
            },
        });
        var options = Options(new BudgetLimit { Name = "cost", MaxCost = 0.001m });
        options.PriceTable = prices;
        options.ModelId = "cheap";
        options.FallbackModelIds = ["dear"];
        using var client = new BudgetChatClient(_inner, options);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 100 }, Ct));

        Assert.Equal(0, _inner.Calls);
        var prompt = TokenEstimator.ForModel("dear").EstimatePromptTokens(Prompt); // no public tokenizer: the conservative estimate
        Assert.Equal(((prompt * 10.00m) + (100 * 40.00m)) / 1_000_000m, ex.Requested);
    }

    [Fact]
    public async Task GetResponseAsync_ToolsAndResponseFormat_CountedInTheReservation()
    {
        using var client = CreatePipeline(new BudgetLimit { Name = "tokens", MaxTokens = 10 });
        var tool = AIFunctionFactory.Create((string city, int days) => "sunny", "get_weather", "Gets the weather of a city");
        var schema = System.Text.Json.JsonDocument.Parse("""{"type":"object","properties":{"answer":{"type":"string"}}}""").RootElement;
        var options = new ChatOptions { MaxOutputTokens = 100, ModelId = "gpt-4o", Tools = [tool], ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "reply") };

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, options, Ct));

        var o200k = TokenEstimator.Default;
        var toolTokens = 8 + o200k.CountTokens("get_weather") + o200k.CountTokens("Gets the weather of a city") + o200k.CountTokens(tool.JsonSchema.GetRawText());
        var formatTokens = 8 + o200k.CountTokens("reply") + o200k.CountTokens(schema.GetRawText());
        Assert.Equal(PromptTokens + toolTokens + formatTokens + 100, ex.Requested);
        Assert.Equal(PromptTokens + toolTokens + formatTokens, o200k.EstimatePromptTokens(Prompt, options));
    }

    [Theory]
    [InlineData("gpt-4o", null, null, 16_384)]
    [InlineData("gpt-4o-2024-11-20", null, null, 16_384)]
    [InlineData("o3-mini", null, null, 100_000)]
    [InlineData("gpt-4o", 1_000, null, 1_000 - PromptTokens)]
    [InlineData("gpt-4o", null, 2_000, 2_000)]
    [InlineData("some-unknown-model", null, null, 4_096)]
    public async Task GetResponseAsync_NoMaxOutputTokens_ReservesTheModelsOutputCeilingOrTheRemainingWindow(string model, int? window, int? configured, int expected)
    {
        var options = Options(new BudgetLimit { Name = "tokens", MaxTokens = 10 });
        options.ContextWindowTokens = window;
        if (configured is { } ceiling)
        {
            options.OutputTokenCeilings[model] = ceiling;
        }

        using var client = new BudgetChatClient(_inner, options);

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, new ChatOptions { ModelId = model }, Ct));

        var estimator = TokenEstimator.ForModel(model);
        Assert.Equal(estimator.EstimatePromptTokens(Prompt) + expected, ex.Requested);
    }

    [Fact]
    public async Task GetResponseAsync_ServiceReportsNegativeUsage_BalanceNeverNegativeAndUsageEstimated()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(Answer(input: -100_000, output: 20));
        using var client = CreatePipeline(new BudgetLimit { Name = "all", MaxTokens = 1000 });

        await client.GetResponseAsync(Prompt, Acme(100), Ct);

        Assert.Equal(PromptTokens + 20, (await client.GetBalanceAsync("all", cancellationToken: Ct)).Tokens);
        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(new MaiUsage(PromptTokens, 20, 0, 0, PromptTokens + 20, isEstimated: true), record.Usage);
        Assert.Equal(UsageSource.Estimated, record.Source);
        Assert.Equal("the service reported invalid usage (input tokens -100000); the invalid counts were estimated", record.UsageReason);
    }

    [Fact]
    public async Task InMemoryBudgetStore_AdjustmentBelowZero_ClampsAtZero()
    {
        var store = new InMemoryBudgetStore(_time);
        await store.AdjustAsync([new BudgetCharge("k", 10, 0.5m)], Ct);

        await store.AdjustAsync([new BudgetCharge("k", -20_000_000, -3m)], Ct);

        Assert.Equal(new BudgetBalance(0, 0m), await store.GetBalanceAsync("k", Ct));
    }

    private static ChatResponse Answer(long input, long output) => new(new ChatMessage(ChatRole.Assistant, "ok"))
    {
        Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output },
    };

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private BudgetOptions Options(params BudgetLimit[] limits) => new()
    {
        Limits = limits,
        PriceTable = MeteringChatClientTests.Prices,
        Store = new InMemoryBudgetStore(_time),
    };

    private BudgetChatClient CreatePipeline(params BudgetLimit[] limits)
    {
        var metering = new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", new MeteringOptions { Ledger = _ledger, PriceTable = MeteringChatClientTests.Prices }, timeProvider: _time);
        return new BudgetChatClient(metering, Options(limits), timeProvider: _time);
    }

    /// <summary>A stand-in for the resilience layer: retries any failure up to three attempts.</summary>
    private sealed class RetryThreeTimes(IChatClient inner) : DelegatingChatClient(inner)
    {
        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    return await base.GetResponseAsync(messages, options, cancellationToken);
                }
                catch (Exception) when (attempt < 3)
                {
                }
            }
        }
    }
}
