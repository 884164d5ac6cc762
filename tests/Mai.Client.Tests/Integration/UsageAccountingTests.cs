using Azure;
using Mai.Client.Accounting;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>Usage, estimates, ledger records and cost through <see cref="MaiClient"/> over the emulator, with exact numbers.</summary>
public abstract class UsageAccountingTests(TransportKind transport)
{
    private static readonly TokenEstimator Tokens = TokenEstimator.Default;

    /// <summary>A prompt of more than 1024 tokens, so the emulator's prompt cache can report cached tokens.</summary>
    private static readonly string LongPrompt = "Summarise these notes: " + string.Join(" ", Enumerable.Range(0, 700).Select(i => $"note{i}"));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ReportedUsage_WinsWithReasoningAndCachedCountedOnce(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync(o => o.SimulatePromptCaching = true, EmulatedModel.DeepSeekR1);
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, "DeepSeek-R1", transport: transport);
        options.Ledger = ledger;
        options.Prices = new PriceTable(new PriceTableOptions
        {
            Models = { ["DeepSeek-R1"] = new ModelPrice { InputPerMillion = 1.35m, CachedInputPerMillion = 0.35m, OutputPerMillion = 5.40m } },
        });
        using var client = new MaiClient(options);
        _ = (await CallOutcome.RunAsync(client, clock, streaming, LongPrompt)).Ok; // warms the emulator's prompt cache

        var result = (await CallOutcome.RunAsync(client, clock, streaming, LongPrompt)).Ok;

        var wire = (await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard())).Usage!;
        Assert.True(wire.CachedTokens >= 1024, $"cached {wire.CachedTokens}");
        Assert.True(wire.ReasoningTokens > 0);
        Assert.Equal(wire.PromptTokens + wire.CompletionTokens, wire.TotalTokens);
        var expected = new MaiUsage(wire.PromptTokens, wire.CompletionTokens, wire.ReasoningTokens, wire.CachedTokens, wire.TotalTokens, IsEstimated: false);
        Assert.Equal(expected, result.Usage);
        var record = Assert.Single(result.UsageRecords);
        Assert.Equal(expected, record.Usage);
        Assert.Equal(UsageOutcome.Succeeded, record.Outcome);
        Assert.Equal(expected, ledger.GetRecords()[^1].Usage);
        Assert.Equal(2, ledger.Count);

        // Cached input is part of input and reasoning part of output: each priced once.
        var cost = (((wire.PromptTokens - wire.CachedTokens) * 1.35m) + (wire.CachedTokens * 0.35m) + (wire.CompletionTokens * 5.40m)) / 1_000_000m;
        Assert.Equal(cost, result.Cost);
        Assert.Equal("USD", result.Currency);
    }

    [Theory]
    [InlineData("quiet-4o", false)]
    [InlineData("quiet-r1", true)]
    public async Task Stream_EndpointReportsNoUsage_EstimatedMarkedAndEqualToTokenEstimator(string model, bool reasons)
    {
        await using var emu = await EmulatorKit.StartAsync(
            EmulatedModel.Gpt4o with { Name = "quiet-4o", StreamUsage = UsagePlacement.None },
            EmulatedModel.DeepSeekR1 with { Name = "quiet-r1", StreamUsage = UsagePlacement.None });
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, model, transport: transport);
        options.Ledger = ledger;
        using var client = new MaiClient(options);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var result = outcome.Ok;
        var answer = outcome.Seen.AnswerText();
        var reasoning = outcome.Seen.ReasoningText();
        Assert.Equal(reasons, reasoning.Length > 0);
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        var output = Tokens.CountTokens(answer) + Tokens.CountTokens(reasoning);
        var expected = new MaiUsage(prompt, output, Tokens.CountTokens(reasoning), 0, prompt + output, IsEstimated: true);
        Assert.Equal(expected, result.Usage);
        Assert.Equal(expected, Assert.Single(ledger.GetRecords()).Usage);
        Assert.Equal(expected, outcome.Seen.Single(u => u.Kind == MaiUpdateKind.Usage).Usage);
        Assert.Null(WireAnswer.FromSse(await ReplayRawAsync(emu)).Usage); // the emulator really reported none
    }

    [Fact]
    public async Task Stream_CutMidway_BilledOnceWithEstimatedUsage()
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o);
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, "gpt-4o", transport: transport);
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.CutStream(afterChunks: 12), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var error = outcome.Failed<StreamInterruptedException>();
        Assert.Single(emu.Chats());
        var record = Assert.Single(ledger.GetRecords());
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        var output = Tokens.CountTokens(outcome.Seen.AnswerText());
        Assert.Equal(11, output); // one token per chunk after the role chunk
        Assert.Equal(new MaiUsage(prompt, output, 0, 0, prompt + output, IsEstimated: true), record.Usage);
        Assert.Equal(UsageOutcome.Failed, record.Outcome);
        Assert.Equal(EmulatorKit.Primary, record.Deployment);
        Assert.Equal("gpt-4o", record.Model);
        Assert.Equal(((prompt * 2.50m) + (output * 10.00m)) / 1_000_000m, record.Cost);
        Assert.Equal(outcome.Seen.AnswerText(), error.Text);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("DeepSeek-R1")]
    public async Task Stream_CutAfterUsageChunk_RecordAndExceptionCarryReportedUsage(string model)
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o, EmulatedModel.DeepSeekR1);
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, model, transport: transport);
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.CutStream(afterChunks: 10_000)); // every chunk, usage included, then a reset instead of [DONE]

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var error = outcome.Failed<StreamInterruptedException>();
        var wire = (await emu.ReplayAsync(emu.Chats()[0], EmulatorKit.Guard())).Usage!;
        var reported = new MaiUsage(wire.PromptTokens, wire.CompletionTokens, wire.ReasoningTokens, wire.CachedTokens, wire.TotalTokens, IsEstimated: false);
        var record = Assert.Single(ledger.GetRecords());
        Assert.Equal(reported, record.Usage);
        Assert.Equal(UsageOutcome.Failed, record.Outcome);
        Assert.Equal(UsageSource.Reported, record.Source);
        Assert.NotNull(error.Usage);
        Assert.Equal((wire.PromptTokens, wire.CompletionTokens, wire.TotalTokens), (error.Usage.InputTokenCount, error.Usage.OutputTokenCount, error.Usage.TotalTokenCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ResetAfterServerGenerated_EveryGenerationLeavesExactlyOneRecord(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        const int calls = 10;

        // Non-streaming: half the body, then a reset. Streaming: the role chunk only (no update reaches the caller), then a reset.
        // Every request generated an answer server-side; the client saw no complete response and retries.
        emu.Faults.Enqueue(EmulatorFault.CutStream(afterChunks: 1), times: 1000);
        var errors = 0;
        for (var i = 0; i < calls; i++)
        {
            var outcome = await CallOutcome.RunAsync(client, clock, streaming);
            errors += outcome.Error is null ? 0 : 1;
        }

        var generations = emu.Chats().Count(r => r.Fault?.Kind == EmulatorFaultKind.CutStream);
        Assert.Equal(calls, errors);
        Assert.True(generations >= calls, $"{generations} generations"); // retried or not: the resilience layer decides
        var records = ledger.GetRecords();
        Assert.Equal(generations, records.Count);
        Assert.All(records, r => Assert.Equal((UsageOutcome.Failed, UsageSource.Unknown), (r.Outcome, r.Source)));
        Assert.All(records, r => Assert.Equal("connection lost after the response started; output tokens unknown", r.UsageReason));
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        Assert.All(records, r => Assert.Equal(prompt, r.Usage.InputTokenCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ResetBeforeAnyResponse_RecordsNothing(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Ledger = ledger;
        options.Resilience.MaxRetries = 0;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.ConnectionReset());

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<RequestFailedException>();
        Assert.Equal(0, error.Status);
        Assert.Single(emu.Chats());
        Assert.Equal(0, ledger.Count);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, null, "connection_failure", TimeSpan.Zero, TimeSpan.Zero)], outcome.Attempts);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_429ThenSuccess_RejectedAtZeroTokensThenSuccessRecordedOnce(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(250), RetryAfterHeader.RetryAfterMs), EmulatorFault.None);

        var result = (await CallOutcome.RunAsync(client, clock, streaming)).Ok;

        var wire = (await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard())).Usage!;
        var records = ledger.GetRecords();
        Assert.Equal(records, result.UsageRecords);
        Assert.Equal(2, records.Count);
        Assert.Equal((UsageOutcome.Rejected, MaiUsage.Zero, 429), (records[0].Outcome, records[0].Usage, records[0].Status));
        Assert.Null(records[0].Cost); // MAI-Thinking-1 has no price: unknown, never 0
        Assert.Equal(UsageOutcome.Succeeded, records[1].Outcome);
        Assert.Equal(new MaiUsage(wire.PromptTokens, wire.CompletionTokens, wire.ReasoningTokens, 0, wire.TotalTokens, false), records[1].Usage);
        Assert.Equal(records[1].Usage, result.Usage);
        Assert.Equal(records[1].Usage, ledger.GetTotals().Usage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_PriceUnknownOrKnown_CostNullOrExactDecimal(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var unpriced = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        var pricedOptions = EmulatorKit.Options(emu, clock, transport: transport);
        pricedOptions.Prices = new PriceTable(new PriceTableOptions
        {
            Models = { ["MAI-Thinking-1"] = new ModelPrice { InputPerMillion = 1.25m, OutputPerMillion = 5.00m } },
        });
        using var priced = new MaiClient(pricedOptions);

        var unknown = (await CallOutcome.RunAsync(unpriced, clock, streaming)).Ok;
        var known = (await CallOutcome.RunAsync(priced, clock, streaming)).Ok;

        Assert.Null(unknown.Cost);
        Assert.Null(Assert.Single(unknown.UsageRecords).Cost);
        var wire = (await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard())).Usage!;
        var cost = ((wire.PromptTokens * 1.25m) + (wire.CompletionTokens * 5.00m)) / 1_000_000m;
        Assert.Equal(cost, known.Cost);
        Assert.Equal(cost, Assert.Single(known.UsageRecords).Cost);
        Assert.Equal("USD", known.Currency);
        Assert.Equal(unknown.Usage, known.Usage);
    }

    [Fact]
    public async Task Call_Metrics_CarryTheTransportsProviderNameAndEndpoint()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var meters = new Accounting.TestMeterFactory();
        using var tokens = new Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<long>(meters, "Mai.Client", "gen_ai.client.token.usage");
        var options = EmulatorKit.Options(emu, clock, transport: transport);
        options.MeterFactory = meters;
        using var client = new MaiClient(options);

        _ = (await CallOutcome.RunAsync(client, clock, streaming: false)).Ok;

        var input = Assert.Single(tokens.GetMeasurementSnapshot(), m => (string?)m.Tags["gen_ai.token.type"] == "input");
        Assert.Equal(transport == TransportKind.OpenAIv1 ? "openai" : "azure.ai.inference", input.Tags["gen_ai.provider.name"]);
        Assert.Equal("127.0.0.1", input.Tags["server.address"]);
        Assert.Equal(emu.Endpoint.Port, input.Tags["server.port"]);
    }

    [Fact]
    public async Task Call_UsageNotIntegerOrOverflowing_RecordedAsEstimatedAnomalyNeverCoerced()
    {
        const string body = """{"id":"c1","object":"chat.completion","created":1700000000,"model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant","content":"You are helpful."},"finish_reason":"stop"}],"usage":{"prompt_tokens":1e30,"completion_tokens":12.5,"total_tokens":7}}""";
        using var http = new HttpClient(new CannedHandler(body));
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = new MaiClientOptions
        {
            Endpoint = new Uri(transport == TransportKind.OpenAIv1 ? "http://127.0.0.1:9/openai/v1" : "http://127.0.0.1:9/models"),
            Transport = transport == TransportKind.OpenAIv1 ? MaiTransport.OpenAIv1 : MaiTransport.AzureInference,
            Model = "gpt-4o",
            ApiKey = "test-key",
            HttpClient = http,
            TimeProvider = clock,
            Ledger = ledger,
        };
        using var client = new MaiClient(options);

        var result = (await CallOutcome.RunAsync(client, clock, streaming: false)).Ok;

        var record = Assert.Single(ledger.GetRecords());
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        Assert.Equal(new MaiUsage(prompt, 4, 0, 0, prompt + 4, IsEstimated: true), record.Usage);
        Assert.Equal(UsageSource.Estimated, record.Source);
        Assert.Equal("the service reported invalid usage (prompt_tokens is not an integer count, completion_tokens is not an integer count); the invalid counts were estimated", record.UsageReason);
        Assert.Equal(record.Usage, result.Usage);
    }

    private sealed class CannedHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            });
    }

    private static async Task<string> ReplayRawAsync(MaiEmulator emu)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(emu.Endpoint, emu.Chats()[0].PathAndQuery))
        {
            Content = new StringContent(emu.Chats()[0].Body, System.Text.Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("api-key", emu.ApiKey);
        using var response = await http.SendAsync(message, EmulatorKit.Guard());
        return await response.Content.ReadAsStringAsync(EmulatorKit.Guard());
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class UsageAccountingTestsOnAzureInference() : UsageAccountingTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class UsageAccountingTestsOnOpenAIv1() : UsageAccountingTests(TransportKind.OpenAIv1);
