using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>Budgets and the context-window guard through <see cref="MaiClient"/> over the emulator: refusals send nothing.</summary>
public abstract class BudgetAdmissionTests(TransportKind transport)
{
    private static readonly TokenEstimator Tokens = TokenEstimator.Default;

    private static int PromptTokens(string prompt) => Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, prompt)]);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_TinyTokenBudget_RefusedWithoutAnyRequestNamingScopeLimitAndLeft(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Budgets.Add(new BudgetLimit { Name = "tiny", Tenant = "acme", MaxTokens = 100, Window = BudgetWindow.Day });
        using var client = new MaiClient(options);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming, options: new ChatOptions { MaxOutputTokens = 500 }.WithScope(tenant: "acme"));

        var error = outcome.Failed<BudgetExceededException>();
        Assert.Empty(emu.Requests);
        Assert.Equal("tenant 'acme' (budget 'tiny')", error.Scope);
        Assert.Equal("100 tokens per day", error.Limit);
        Assert.Equal(100m, error.LimitValue);
        Assert.Equal(100m, error.Remaining);
        // MAI has no public tokenizer: admission counts with the documented conservative over-estimate (issue 12, item 2).
        Assert.Equal(TokenEstimator.ForModel("MAI-Thinking-1").EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]) + 500m, error.Requested);
        Assert.Equal("tokens", error.Unit);
        Assert.Equal(TestClock.Epoch.Date.AddDays(1), error.ResetsAt?.UtcDateTime);
        Assert.Empty(outcome.Seen);
    }

    [Fact]
    public async Task Call_100Concurrent_NeverSpendBeyondTheLimitAndExactlyTheCallsThatFitAreSent()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var store = new PeakBudgetStore(new InMemoryBudgetStore(clock));
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, "gpt-4o", transport: transport);
        const int maxOutput = 8;
        var reservation = PromptTokens("Why is the sky blue?") + maxOutput;
        const int fits = 37;
        var limit = (reservation * fits) + (reservation / 2);
        options.Budgets.Add(new BudgetLimit { Name = "shared", MaxTokens = limit, Window = BudgetWindow.Total });
        options.BudgetStore = store;
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        var callOptions = new ChatOptions { MaxOutputTokens = maxOutput };
        var guard = EmulatorKit.Guard();

        var outcomes = await CallOutcome.RunConcurrentlyAsync(client, clock, callOptions, 100, guard, usage => usage.TotalTokenCount);

        var spent = outcomes.Where(t => t >= 0).ToList();
        Assert.Equal(fits, spent.Count);
        Assert.Equal(fits, emu.Chats().Count);
        Assert.All(spent, t => Assert.Equal(reservation, t)); // the answer is cut at max_tokens: real usage equals the reservation
        Assert.Equal(fits * (long)reservation, ledger.GetTotals().Usage.TotalTokenCount);
        Assert.True(store.Peak <= limit, $"reserved + spent peaked at {store.Peak}, over the limit {limit}");
        var balance = await client.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("shared", cancellationToken: guard);
        Assert.Equal(fits * (long)reservation, balance.Tokens);
    }

    [Fact]
    public async Task Call_100ConcurrentWithFailoverToPricierModelToolsAndLongAnswers_NeverOverspend()
    {
        // Every call fails over from a cheap model to a dear one, carries a tool definition, sets no MaxOutputTokens and gets a
        // long answer: each of the reservation's old blind spots at once. Admission must still keep every limit.
        var mini = EmulatedModel.Gpt4o with { Name = "gpt-4o-mini", AnswerWords = 1200 };
        var dear = EmulatedModel.Gpt4o with { Name = "gpt-4o", AnswerWords = 1200 };
        await using var primary = await EmulatorKit.StartAsync(mini, dear);
        await using var secondary = await EmulatorKit.StartAsync(mini, dear);
        primary.Faults.Enqueue(EmulatorFault.HttpError(503), times: 10_000);
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(primary, clock, "gpt-4o-mini", transport: transport);
        var where = new MaiClientOptions();
        Transports.Configure(transport, where, secondary);
        options.Fallbacks.Add(new MaiDeployment { Name = EmulatorKit.Secondary, Endpoint = where.Endpoint, Model = "gpt-4o", ApiKey = secondary.ApiKey });
        options.Resilience.BaseDelay = TimeSpan.Zero;
        options.Prices = new PriceTable(new PriceTableOptions
        {
            Models =
            {
                ["gpt-4o-mini"] = new ModelPrice { InputPerMillion = 0.15m, OutputPerMillion = 0.60m },
                ["gpt-4o"] = new ModelPrice { InputPerMillion = 2.50m, OutputPerMillion = 10.00m },
            },
        });
        const decimal maxCost = 0.5m;
        const long maxTokens = 60_000;
        options.Budgets.Add(new BudgetLimit { Name = "shared", MaxCost = maxCost, MaxTokens = maxTokens, Window = BudgetWindow.Total });
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        var tool = AIFunctionFactory.Create((string city, int days, string units) => "sunny", "get_forecast", "Gets the weather forecast of a city for some days");
        var callOptions = new ChatOptions { Tools = [tool] };
        var guard = EmulatorKit.Guard(60);

        var outcomes = await CallOutcome.RunConcurrentlyAsync(client, clock, callOptions, 100, guard);

        var answered = outcomes.Where(t => t >= 0).ToList();
        Assert.NotEmpty(answered);
        Assert.All(answered, t => Assert.True(t > 1_000, $"a long answer: {t} output tokens"));
        var records = ledger.GetRecords();
        Assert.Equal(answered.Count, records.Count(r => r.Outcome == UsageOutcome.Succeeded && r.Model == "gpt-4o"));
        var spentCost = records.Sum(r => r.Cost!.Value);
        var spentTokens = records.Sum(r => r.Usage.InputTokenCount + r.Usage.OutputTokenCount);
        Assert.True(spentCost <= maxCost, $"spent {spentCost} USD over the {maxCost} USD limit");
        Assert.True(spentTokens <= maxTokens, $"spent {spentTokens} tokens over the {maxTokens} limit");
        var balance = await client.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("shared", cancellationToken: guard);
        Assert.Equal((spentTokens, spentCost), (balance.Tokens, balance.Cost)); // settled to exactly what was recorded
        Assert.Equal(answered.Count, secondary.Chats().Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_PromptPlusMaxOutputOverContextWindow_ThrowsWithoutAnyRequest(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.ContextWindowTokens = 200;
        using var client = new MaiClient(options);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming, options: new ChatOptions { MaxOutputTokens = 195 });

        var error = outcome.Failed<ContextWindowExceededException>();
        Assert.Empty(emu.Requests);
        var prompt = PromptTokens("Why is the sky blue?");
        Assert.Equal((200, prompt, 195, prompt + 195L - 200), (error.ContextWindowTokens, error.PromptTokens, error.MaxOutputTokens, error.ExcessTokens));
        Assert.Equal("messages", error.ParamName);
    }

    /// <summary>Records the highest counter value (reservations in flight plus settled spend) any key ever reached.</summary>
    private sealed class PeakBudgetStore(IBudgetStore inner) : IBudgetStore
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public long Peak { get; private set; }

        public async ValueTask<BudgetReservationResult> TryReserveAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                var result = await inner.TryReserveAsync(charges, cancellationToken);
                await TrackAsync(charges);
                return result;
            }
            finally
            {
                _gate.Release();
            }
        }

        public async ValueTask AdjustAsync(IReadOnlyList<BudgetCharge> charges, CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                await inner.AdjustAsync(charges, cancellationToken);
                await TrackAsync(charges);
            }
            finally
            {
                _gate.Release();
            }
        }

        public ValueTask<BudgetBalance> GetBalanceAsync(string key, CancellationToken cancellationToken = default) => inner.GetBalanceAsync(key, cancellationToken);

        /// <summary>Reads the real counters right after each change (under the same gate, so no change is missed).</summary>
        private async ValueTask TrackAsync(IReadOnlyList<BudgetCharge> charges)
        {
            foreach (var charge in charges)
            {
                Peak = Math.Max(Peak, (await inner.GetBalanceAsync(charge.Key)).Tokens);
            }
        }
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class BudgetAdmissionTestsOnAzureInference() : BudgetAdmissionTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class BudgetAdmissionTestsOnOpenAIV1() : BudgetAdmissionTests(TransportKind.OpenAIV1);
