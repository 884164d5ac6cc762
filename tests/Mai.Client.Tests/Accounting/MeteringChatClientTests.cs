using System.Net;
using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Accounting;

public class MeteringChatClientTests
{
    internal static readonly PriceTable Prices = new(new PriceTableOptions
    {
        Models = { ["gpt-4o"] = new ModelPrice { InputPerMillion = 3.00m, CachedInputPerMillion = 0.75m, OutputPerMillion = 12.00m } },
    });

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly UsageLedger _ledger = new();
    private readonly TestChatClient _inner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatMessage[] Prompt => [new(ChatRole.User, "Hello world!")];

    // 3 (priming) + 3 (message) + 1 ("user") + 3 ("Hello world!")
    private const int PromptTokens = 10;

    [Fact]
    public async Task GetResponseAsync_ServiceReportsUsage_RecordsItOnceWithExactCost()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi!"))
        {
            ResponseId = "resp-1",
            ModelId = "gpt-4o-2024-11-20",
            Usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 40, OutputTokenCount = 50, ReasoningTokenCount = 30, TotalTokenCount = 150 },
        });
        using var client = CreateClient();
        var context = new MaiCallContext();

        var response = await client.GetResponseAsync(Prompt, MaiCallContext.Attach(new ChatOptions().WithScope(user: "alice", tenant: "acme"), context), Ct);

        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(new MaiUsage(100, 50, 30, 40, 150, false), record.Usage);
        Assert.Equal(0.00081m, record.Cost);
        Assert.Equal("USD", record.Currency);
        Assert.Equal(UsageOutcome.Succeeded, record.Outcome);
        Assert.Equal(new MaiScope("alice", "acme"), record.Scope);
        Assert.Equal("resp-1", record.ResponseId);
        Assert.Equal("gpt-4o-2024-11-20", record.ResponseModel);
        Assert.Equal(_time.GetUtcNow(), record.Timestamp);
        Assert.Same(record, Assert.Single(context.UsageRecords));
        Assert.False(response.IsUsageEstimated());
        Assert.Equal(150, response.Usage!.TotalTokenCount);
        Assert.Equal(record.Usage, response.GetMaiUsage());
    }

    [Theory]
    [InlineData(-5L, 50L, 10L, 0L, 45L, "input tokens -5")]
    [InlineData(100L, -50L, 0L, 0L, 50L, "output tokens -50")]
    [InlineData(100L, 50L, 80L, 0L, 150L, "reasoning tokens 80 above output tokens 50")]
    [InlineData(100L, 50L, 0L, 120L, 150L, "cached input tokens 120 above input tokens 100")]
    [InlineData(100L, 50L, 0L, 0L, 149L, "total tokens 149 is not input + output 150")]
    [InlineData(3_000_000_000L, 50L, 0L, 0L, 3_000_000_050L, "input tokens 3000000000")]
    public async Task GetResponseAsync_NonsenseUsage_IsAnAnomalyLoggedAndRecordedAsEstimatedWithTheReason(long input, long output, long reasoning, long cached, long total, string detail)
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "You are helpful."))
        {
            Usage = new UsageDetails { InputTokenCount = input, OutputTokenCount = output, ReasoningTokenCount = reasoning, CachedInputTokenCount = cached, TotalTokenCount = total },
        });
        var logs = new Microsoft.Extensions.Logging.Testing.FakeLogCollector();
        using var loggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddProvider(new Microsoft.Extensions.Logging.Testing.FakeLoggerProvider(logs)));
        using var client = new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", new MeteringOptions { Ledger = _ledger, PriceTable = Prices }, loggerFactory: loggerFactory, timeProvider: _time);

        var response = await client.GetResponseAsync(Prompt, null, Ct);

        var record = Assert.Single(_ledger.GetRecords());
        var validInput = input is >= 0 and <= int.MaxValue ? input : PromptTokens;
        var validOutput = output is >= 0 and <= int.MaxValue ? output : 4; // "You are helpful."
        var validReasoning = reasoning <= validOutput ? reasoning : 0;
        var validCached = cached <= validInput ? cached : 0;
        Assert.Equal(new MaiUsage(validInput, validOutput, validReasoning, validCached, validInput + validOutput, isEstimated: true), record.Usage);
        Assert.Equal(UsageSource.Estimated, record.Source);
        Assert.Equal($"the service reported invalid usage ({detail}); the invalid counts were estimated", record.UsageReason);
        Assert.True(response.IsUsageEstimated());
        var log = Assert.Single(logs.GetSnapshot(), l => l.Id.Id == 4);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, log.Level);
        Assert.Equal($"Deployment gpt4o-east reported invalid usage ({detail}); the record is marked estimated.", log.Message);
    }

    [Fact]
    public async Task GetResponseAsync_NoUsageReported_EstimatesWithTokenizerAndMarksIt()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "You are helpful.")));
        using var client = CreateClient();

        var response = await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        var expected = new MaiUsage(PromptTokens, 4, 0, 0, PromptTokens + 4, true);
        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(expected, record.Usage);
        Assert.True(record.IsEstimated);
        Assert.Equal(((PromptTokens * 3.00m) + (4 * 12.00m)) / 1_000_000m, record.Cost);
        Assert.True(response.IsUsageEstimated());
        Assert.Equal(PromptTokens, response.Usage!.InputTokenCount);
        Assert.Equal(4, response.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UsageOnLastChunk_NotEstimatedAndReadableAfterToChatResponse()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream(
            [TestChatClient.Text("Hello"), TestChatClient.Text(", world!"), TestChatClient.Usage(100, 50, cached: 40, reasoning: 30)], cancellationToken: ct);
        using var client = CreateClient();

        var updates = await ToListAsync(client.GetStreamingResponseAsync(Prompt, cancellationToken: Ct));
        var response = updates.ToChatResponse();

        Assert.Equal(4, updates.Count); // 3 from the service + the metering update
        Assert.Equal(new MaiUsage(100, 50, 30, 40, 150, false), updates[^1].GetMaiUsage());
        Assert.Empty(updates[^1].Contents);
        Assert.Equal(150, response.Usage!.TotalTokenCount); // not doubled
        Assert.False(response.IsUsageEstimated());
        Assert.Equal("Hello, world!", response.Text);
        Assert.Equal(0.00081m, Assert.Single(_ledger.GetRecords()).Cost);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoUsageInStream_AppendsEstimatedUsageContent()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream([TestChatClient.Text("Hello"), TestChatClient.Text(", world!")], cancellationToken: ct);
        using var client = CreateClient();

        var updates = await ToListAsync(client.GetStreamingResponseAsync(Prompt, cancellationToken: Ct));
        var response = updates.ToChatResponse();

        var usageContent = Assert.Single(updates[^1].Contents.OfType<UsageContent>());
        Assert.True(usageContent.IsEstimated());
        Assert.Equal(PromptTokens, usageContent.Details.InputTokenCount);
        Assert.Equal(4, usageContent.Details.OutputTokenCount);
        Assert.True(response.IsUsageEstimated());
        Assert.Equal(PromptTokens + 4, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamCutAfterText_RecordsExactlyOnceWithEstimate()
    {
        var cut = new IOException("The response ended prematurely.");
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream([TestChatClient.Text("Hello"), TestChatClient.Text(", world!")], cut, ct);
        using var client = CreateClient();
        var seen = new List<string>();

        var thrown = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync(Prompt, cancellationToken: Ct))
            {
                seen.Add(update.Text);
            }
        });

        Assert.Same(cut, thrown);
        Assert.Equal(["Hello", ", world!"], seen);
        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(UsageOutcome.Failed, record.Outcome);
        Assert.Equal(new MaiUsage(PromptTokens, 4, 0, 0, PromptTokens + 4, true), record.Usage);
        Assert.Equal("resp-1", record.ResponseId);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerStopsEarly_RecordsAbandonedOnceWithTextSoFar()
    {
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => TestChatClient.Stream(
            [TestChatClient.Text("You are helpful."), TestChatClient.Text(" More text that is never read."), TestChatClient.Usage(10, 99)], cancellationToken: ct);
        using var client = CreateClient();

        await foreach (var update in client.GetStreamingResponseAsync(Prompt, cancellationToken: Ct))
        {
            break;
        }

        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(UsageOutcome.Abandoned, record.Outcome);
        Assert.Equal(new MaiUsage(PromptTokens, 4, 0, 0, PromptTokens + 4, true), record.Usage);
    }

    public static TheoryData<Exception> NeverReachedService => new()
    {
        new RequestFailedException(0, "Connection refused (127.0.0.1:1)", new HttpRequestException("Connection refused")),
        new HttpRequestException("Connection refused"),
    };

    [Theory]
    [MemberData(nameof(NeverReachedService))]
    public async Task GetResponseAsync_ConnectionRefused_RecordsNothing(Exception refused)
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(refused);
        using var client = CreateClient();
        var context = new MaiCallContext();

        await Assert.ThrowsAnyAsync<Exception>(() => client.GetResponseAsync(Prompt, MaiCallContext.Attach(null, context), Ct));

        Assert.Equal(0, _ledger.Count);
        Assert.Empty(context.UsageRecords);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(400)]
    public async Task GetResponseAsync_ErrorStatus_RecordsOneZeroTokenRejectedAttempt(int status)
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new RequestFailedException(status, "refused"));
        using var client = CreateClient();

        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync(Prompt, cancellationToken: Ct));

        var record = Assert.Single(_ledger.GetRecords());
        Assert.Equal(UsageOutcome.Rejected, record.Outcome);
        Assert.Equal(status, record.Status);
        Assert.Equal(MaiUsage.Zero, record.Usage);
        Assert.Equal(0m, record.Cost);
    }

    [Fact]
    public async Task GetResponseAsync_HttpRequestExceptionWithStatus_IsRejectedNotDropped()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("busy", null, HttpStatusCode.ServiceUnavailable));
        using var client = CreateClient();

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt, cancellationToken: Ct));

        Assert.Equal(503, Assert.Single(_ledger.GetRecords()).Status);
    }

    [Fact]
    public async Task GetResponseAsync_UnpricedModel_RecordsNullCost()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            Usage = new UsageDetails { InputTokenCount = 5, OutputTokenCount = 5 },
        });
        using var client = new MeteringChatClient(_inner, "thinking", "MAI-Thinking-1", new MeteringOptions { Ledger = _ledger }, timeProvider: _time);

        await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        var record = Assert.Single(_ledger.GetRecords());
        Assert.Null(record.Cost);
        Assert.Equal(1, _ledger.GetTotals().UnpricedRecordCount);
    }

    [Fact]
    public async Task GetResponseAsync_PromptPlusMaxOutputOverContextWindow_FailsBeforeSending()
    {
        using var client = CreateClient(o => o.ContextWindowTokens = 20);

        var ex = await Assert.ThrowsAsync<ContextWindowExceededException>(() => client.GetResponseAsync(Prompt, new ChatOptions { MaxOutputTokens = 50 }, Ct));

        Assert.Equal(0, _inner.Calls);
        Assert.Equal("messages", ex.ParamName);
        Assert.Equal(40, ex.ExcessTokens);
        Assert.Equal(
            "The request needs 60 tokens (prompt ≈ 10 estimated + max output 50) but model 'gpt-4o' has a context window of 20 tokens: 40 tokens too many. Shorten the messages or lower MaxOutputTokens. No request was sent. (Parameter 'messages')",
            ex.Message);
        Assert.Equal(0, _ledger.Count);
    }

    [Fact]
    public async Task GetResponseAsync_RequestsPerMinuteExhausted_RefusesUntilTheWindowSlides()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        using var client = CreateClient(o => o.RequestsPerMinute = 2);

        await client.GetResponseAsync(Prompt, cancellationToken: Ct);
        await client.GetResponseAsync(Prompt, cancellationToken: Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, cancellationToken: Ct));

        Assert.Equal(2, _inner.Calls);
        Assert.Equal("deployment 'gpt4o-east'", ex.Scope);
        Assert.Equal("2 requests per minute (client-side quota)", ex.Limit);
        Assert.Equal(0m, ex.Remaining);
        Assert.Equal(_time.GetUtcNow().AddSeconds(10), ex.ResetsAt);

        _time.Advance(TimeSpan.FromSeconds(50));
        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, cancellationToken: Ct));
        _time.Advance(TimeSpan.FromSeconds(10));
        await client.GetResponseAsync(Prompt, cancellationToken: Ct);
        Assert.Equal(3, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_TokensPerMinuteExhausted_RefusesWithWhatIsLeft()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
        using var client = CreateClient(o => o.TokensPerMinute = 100);
        var options = new ChatOptions { MaxOutputTokens = 50 };

        await client.GetResponseAsync(Prompt, options, Ct); // takes 10 + 50
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, options, Ct));

        Assert.Equal(1, _inner.Calls);
        Assert.Equal(40m, ex.Remaining);
        Assert.Equal(60m, ex.Requested);
        Assert.Equal("tokens", ex.Unit);
        Assert.Equal("Budget exceeded for deployment 'gpt4o-east': the limit is 100 tokens per minute (client-side quota), 40 tokens left, this call needs 60 tokens. No request was sent.", ex.Message);
    }

    [Fact]
    public async Task GetResponseAsync_ServiceReportsFewerRemainingTokens_LowersTheLocalQuota()
    {
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
        {
            AdditionalProperties = new() { [MeteringChatClient.RemainingTokensKey] = "30" },
        });
        using var client = CreateClient(o => o.TokensPerMinute = 1000);
        var options = new ChatOptions { MaxOutputTokens = 50 };

        await client.GetResponseAsync(Prompt, options, Ct);
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt, options, Ct));

        Assert.Equal(30m, ex.Remaining);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task GetResponseAsync_SinkThrows_CallSucceedsAndOtherSinksStillWrite()
    {
        var good = new CollectingSink();
        var ledger = new UsageLedger([new ThrowingSink(), good]);
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")) { Usage = new UsageDetails { InputTokenCount = 1, OutputTokenCount = 1 } });
        using var client = new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", new MeteringOptions { Ledger = ledger, PriceTable = Prices }, timeProvider: _time);

        var response = await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        Assert.Equal("ok", response.Text);
        Assert.Single(good.Records);
        Assert.Equal(1, ledger.Count);
    }

    [Fact]
    public void Constructor_InvalidOption_ThrowsNamingTheProperty()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MeteringChatClient(_inner, "d", "m", new MeteringOptions { TokensPerMinute = 0 }));
        Assert.Equal("MeteringOptions.TokensPerMinute must be positive when set (was 0). (Parameter 'options')", ex.Message);
    }

    [Fact]
    public void MeteringOptions_Defaults_AreDocumentedValues()
    {
        var options = new MeteringOptions();
        Assert.Same(PriceTable.Default, options.PriceTable);
        Assert.Null(options.ProviderName); // null: the inner client's ChatClientMetadata decides (issue 11 item 2)
        Assert.False(options.ReportEstimatedUsage);
        Assert.Equal(4096, options.DefaultOutputTokenReservation);
        Assert.Null(options.Ledger);
        Assert.Null(options.TokenEstimator);
        Assert.Null(options.ContextWindowTokens);
        Assert.Null(options.TokensPerMinute);
        Assert.Null(options.RequestsPerMinute);
    }

    internal static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private MeteringChatClient CreateClient(Action<MeteringOptions>? configure = null)
    {
        var options = new MeteringOptions { Ledger = _ledger, PriceTable = Prices };
        configure?.Invoke(options);
        return new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", options, timeProvider: _time);
    }

    private sealed class ThrowingSink : IUsageSink
    {
        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default) => throw new InvalidOperationException("sink down");
    }

    internal sealed class CollectingSink : IUsageSink
    {
        public List<UsageRecord> Records { get; } = [];

        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
        {
            lock (Records)
            {
                Records.Add(record);
            }

            return ValueTask.CompletedTask;
        }
    }
}
