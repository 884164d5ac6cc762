using System.Text.Json;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.Integration;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Transport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport.Anthropic;

/// <summary>Claude through the whole pipeline (budgets, resilience, metering, reasoning, the Messages transport) against the emulator's <c>/anthropic/v1/messages</c>.</summary>
public sealed class ClaudeOnEmulatorTests
{
    private static readonly ChatOptions Thinking = new() { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } };

    private static MaiClientOptions Options(MaiEmulator emu, TestClock clock, string model = "claude-opus-4-6") => new()
    {
        Endpoint = emu.AnthropicEndpoint, // …/anthropic: the Messages API is chosen from the path
        Model = model,
        ApiKey = emu.ApiKey,
        DeploymentName = EmulatorKit.Primary,
        TimeProvider = clock,
    };

    private static JsonElement LastBody(MaiEmulator emu) =>
        JsonDocument.Parse(emu.Requests.Last(r => r.PathAndQuery.StartsWith("/anthropic/v1/messages", StringComparison.Ordinal)).Body).RootElement;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ask_ClaudeWithThinking_AnswerReasoningAndUsageAsTheEmulatorSent(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming, options: Thinking);

        var result = outcome.Ok;
        var request = emu.Requests.Single();
        Assert.Equal("/anthropic/v1/messages", request.PathAndQuery);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
        Assert.Equal("REDACTED", request.Headers["api-key"]);
        var body = LastBody(emu);
        Assert.Equal("claude-opus-4-6", body.GetProperty("model").GetString());
        Assert.Equal(16000, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(1024, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());

        var whole = JsonDocument.Parse(await RawMessageAsync(emu, request.Body)).RootElement;
        var thinking = whole.GetProperty("content")[0].GetProperty("thinking").GetString();
        var text = whole.GetProperty("content")[1].GetProperty("text").GetString();
        var usage = whole.GetProperty("usage");
        Assert.Equal(text, result.Answer);
        Assert.Equal(thinking, result.Reasoning);
        Assert.Equal(ChatFinishReason.Stop, result.FinishReason);
        Assert.Equal(usage.GetProperty("input_tokens").GetInt64(), result.Usage!.InputTokenCount);
        Assert.Equal(usage.GetProperty("output_tokens").GetInt64(), result.Usage.OutputTokenCount);
        Assert.Equal(usage.GetProperty("output_tokens_details").GetProperty("thinking_tokens").GetInt64(), result.Usage.ReasoningTokenCount);
        Assert.False(result.Usage.IsEstimated);
    }

    [Fact]
    public async Task Ask_NoReasoningAsked_NoThinkingSentAndNoReasoning()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock, "claude-haiku-4-5"));

        var result = (await CallOutcome.RunAsync(client, clock, streaming: false)).Ok;

        Assert.False(LastBody(emu).TryGetProperty("thinking", out _));
        Assert.Equal(8192, LastBody(emu).GetProperty("max_tokens").GetInt32());
        Assert.True(string.IsNullOrEmpty(result.Reasoning));
        Assert.StartsWith("Here is", result.Answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ToolRoundTrip_WithThinking_SignedThinkingBlockIsSentBackAndAccepted(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));
        var getWeather = AIFunctionFactory.Create((string city) => $"21 C and sunny in {city}", "get_weather", "Gets the weather of a city");
        using var chat = new ChatClientBuilder(client.ChatClient).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [getWeather], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } };

        ChatResponse response;
        if (streaming)
        {
            response = await chat.GetStreamingResponseAsync("Use get_weather for Paris.", options, EmulatorKit.Guard()).ToChatResponseAsync(EmulatorKit.Guard());
        }
        else
        {
            response = await chat.GetResponseAsync("Use get_weather for Paris.", options, EmulatorKit.Guard());
        }

        var calls = emu.Requests.Where(r => r.PathAndQuery == "/anthropic/v1/messages").ToList();
        Assert.Equal(2, calls.Count);
        Assert.All(calls, c => Assert.Null(c.Fault));
        var first = JsonDocument.Parse(await RawMessageAsync(emu, calls[0].Body)).RootElement;
        var second = JsonDocument.Parse(calls[1].Body).RootElement;
        var assistant = second.GetProperty("messages")[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        var sentBack = assistant.GetProperty("content");
        Assert.Equal("thinking", sentBack[0].GetProperty("type").GetString());
        Assert.Equal(first.GetProperty("content")[0].GetProperty("thinking").GetString(), sentBack[0].GetProperty("thinking").GetString());
        Assert.Equal(first.GetProperty("content")[0].GetProperty("signature").GetString(), sentBack[0].GetProperty("signature").GetString());
        Assert.Equal("tool_use", sentBack[1].GetProperty("type").GetString());
        var toolResult = second.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("tool_result", toolResult.GetProperty("type").GetString());
        Assert.Equal(sentBack[1].GetProperty("id").GetString(), toolResult.GetProperty("tool_use_id").GetString());
        Assert.StartsWith("21 C and sunny in ", toolResult.GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Contains("get_weather", response.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Failover_MaiThinkingOnChatCompletionsToClaudeOnMessages_OneClient(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock); // MAI-Thinking-1 on /models
        options.Resilience.MaxAttemptsPerDeployment = 1;
        options.Fallbacks.Add(new MaiDeployment { Name = EmulatorKit.Secondary, Endpoint = emu.AnthropicEndpoint, Model = "claude-opus-4-6", ApiKey = emu.ApiKey });
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.HttpError(503));

        var result = (await CallOutcome.RunAsync(client, clock, streaming)).Ok;

        Assert.Equal([(EmulatorKit.Primary, (int?)503), (EmulatorKit.Secondary, 200)], result.Attempts.Select(a => (a.Deployment, a.Status)));
        Assert.Equal(["/models/chat/completions?api-version=2024-05-01-preview", "/anthropic/v1/messages"], emu.Requests.Select(r => r.PathAndQuery));
        Assert.Equal("claude-opus-4-6", result.Model);
        Assert.StartsWith("Here is", result.Answer, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("429;retry-after=2", 2)]
    [InlineData("529", 0)]
    public async Task Ask_429WithRetryAfterOr529Overloaded_RetriedThenAnswers(string fault, int waitSeconds)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));
        emu.Script(EmulatorFault.Parse(fault));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: false);

        Assert.Equal([(int?)int.Parse(fault[..3], System.Globalization.CultureInfo.InvariantCulture), 200], outcome.Ok.Attempts.Select(a => a.Status));
        Assert.Equal(fault.StartsWith("429", StringComparison.Ordinal) ? "rate_limit_error" : "overloaded_error", outcome.Ok.Attempts[0].Reason);
        if (waitSeconds > 0)
        {
            Assert.Equal([TimeSpan.FromSeconds(waitSeconds)], outcome.Waits);
        }
    }

    [Fact]
    public async Task Ask_UnknownClaudeModel_Typed404NotRetried()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock, "claude-opus-4-7"));

        var error = (await CallOutcome.RunAsync(client, clock, streaming: false)).Failed<MaiServiceException>();

        Assert.Equal(404, error.Status);
        Assert.Equal("not_found_error", error.ErrorCode);
        Assert.Equal("model: claude-opus-4-7", error.ServiceMessage);
        Assert.StartsWith("req_011C", error.RequestId, StringComparison.Ordinal);
        Assert.Single(emu.Requests);
        Assert.DoesNotContain(emu.ApiKey!, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_ErrorEventMidStream_TypedWithUsageSoFarAndNotReplayed()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));
        emu.Script(EmulatorFault.StreamError(afterChunks: 6));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        Assert.NotEmpty(outcome.Seen);
        var error = outcome.Error switch
        {
            MaiServiceException direct => direct,
            { InnerException: MaiServiceException inner } => inner,
            var other => throw new Xunit.Sdk.XunitException($"Unexpected {other}"),
        };
        Assert.Equal("overloaded_error", error.ErrorCode);
        Assert.Equal(200, error.Status);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Stream_CutAfterFirstDeltas_NotReplayedAfterOutputReachedTheCaller()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));
        emu.Script(EmulatorFault.TruncateStream(afterChunks: 6));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        Assert.NotNull(outcome.Error);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Ask_CacheControl_WritesThenReadsPricedAtTheirOwnRates()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(Options(emu, clock));
        var system = string.Concat(Enumerable.Repeat("The handbook says the sky is blue because of Rayleigh scattering. ", 120));
        var options = new ChatOptions { Instructions = system, AdditionalProperties = new() { ["cache_control"] = new Dictionary<string, string> { ["type"] = "ephemeral" } } };

        var write = (await CallOutcome.RunAsync(client, clock, streaming: false, options: options)).Ok;
        var read = (await CallOutcome.RunAsync(client, clock, streaming: true, options: options)).Ok;

        Assert.True(write.Usage!.CacheWriteInputTokenCount > 1024);
        Assert.Equal(0, write.Usage.CachedInputTokenCount);
        Assert.Equal(write.Usage.CacheWriteInputTokenCount, read.Usage!.CachedInputTokenCount);
        Assert.Equal(0, read.Usage.CacheWriteInputTokenCount);
        Assert.Equal(write.Usage.InputTokenCount, read.Usage.InputTokenCount);
        static decimal Cost(MaiUsage u, long writes, long reads) =>
            (((u.InputTokenCount - writes - reads) * 5.00m) + (writes * 6.25m) + (reads * 0.50m) + (u.OutputTokenCount * 25.00m)) / 1_000_000m;
        Assert.Equal(Cost(write.Usage, write.Usage.CacheWriteInputTokenCount, 0), write.Cost);
        Assert.Equal(Cost(read.Usage, 0, read.Usage.CachedInputTokenCount), read.Cost);
        Assert.Equal("USD", write.Currency);
    }

    [Fact]
    public async Task Stream_TruncatedAfterMessageStart_RetriedAndTheFailedAttemptKeepsItsReportedUsage()
    {
        // message_start reports the input tokens before any content: the cut attempt is billed with them (not an estimate),
        // and, as nothing reached the caller yet, the stream is still retried (a usage-only first update would commit it).
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = Options(emu, clock);
        options.Ledger = ledger;
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.TruncateStream(afterChunks: 1), EmulatorFault.None);

        var result = (await CallOutcome.RunAsync(client, clock, streaming: true)).Ok;

        Assert.Equal(2, emu.Requests.Count);
        var whole = JsonDocument.Parse(await RawMessageAsync(emu, emu.Requests[0].Body)).RootElement.GetProperty("usage");
        var records = ledger.GetRecords();
        Assert.Equal(2, records.Count);
        Assert.Equal((UsageOutcome.Failed, UsageSource.Reported), (records[0].Outcome, records[0].Source));
        Assert.Equal(whole.GetProperty("input_tokens").GetInt64(), records[0].Usage.InputTokenCount);
        Assert.False(records[0].Usage.IsEstimated);
        Assert.Equal(UsageOutcome.Succeeded, records[1].Outcome);
        Assert.Equal(result.Usage!.OutputTokenCount, records[1].Usage.OutputTokenCount);
    }

    private static async Task<string> RawMessageAsync(MaiEmulator emu, string body)
    {
        // The same request, non-streamed, straight to the emulator: what it answered (deterministic for the same request).
        using var doc = JsonDocument.Parse(body);
        var nonStreamed = new Dictionary<string, JsonElement>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name != "stream")
            {
                nonStreamed[p.Name] = p.Value.Clone();
            }
        }

        using var http = new HttpClient { BaseAddress = emu.Endpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/anthropic/v1/messages") { Content = new StringContent(JsonSerializer.Serialize(nonStreamed), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", emu.ApiKey);
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add(EmulatorFault.HeaderName, "none");
        using var response = await http.SendAsync(request, EmulatorKit.Guard());
        return await response.Content.ReadAsStringAsync(EmulatorKit.Guard());
    }
}

/// <summary>Typed output over the Messages API: the schema goes in the system prompt (no JSON mode), and the answer parses.</summary>
public sealed class ClaudeTypedOutputTests
{
    public sealed record TripPlan(string Destination, int Days, string[] Stops);

    [Fact]
    public async Task AskOfT_Claude_SchemaInSystemPromptAndAnswerParses()
    {
        await using var emu = await EmulatorKit.StartAsync();
        using var client = new MaiClient(new MaiClientOptions { Endpoint = emu.AnthropicEndpoint, Model = "claude-sonnet-4-6", ApiKey = emu.ApiKey });

        var plan = await client.AskAsync<TripPlan>("Plan a two-day trip to Lisbon.", cancellationToken: EmulatorKit.Guard());

        var body = System.Text.Json.JsonDocument.Parse(emu.Requests.Single().Body).RootElement;
        Assert.Contains("valid against this JSON schema: ", body.GetProperty("system").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(plan.Value.Destination));
        Assert.NotNull(plan.Value.Stops);
    }
}
