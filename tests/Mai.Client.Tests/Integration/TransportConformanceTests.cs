using System.Text.Json;
using System.Text.Json.Nodes;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>
/// The transport's own behaviour, run against the emulator for every transport in <see cref="Transports"/> (today Azure.AI.Inference;
/// the OpenAI v1 transport joins by adding one line there) and every emulated model's wire quirks, streamed and not. Every
/// expected value is read from what the emulator itself put on the wire for the same request body.
/// </summary>
public class TransportConformanceTests
{
    private static readonly string[] Models = [.. EmulatedModel.Defaults.Where(m => m.Api == EmulatedApi.ChatCompletions).Select(m => m.Name)];

    private static readonly AIFunction Weather = AIFunctionFactory.Create(
        (string city, string unit) => $"sunny in {city}", "get_weather", "Gets the current weather for a city.");

    private static readonly JsonElement ReportSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"city":{"type":"string"},"temperature":{"type":"number"},"sunny":{"type":"boolean"}},
         "required":["city","temperature","sunny"],"additionalProperties":false}
        """).RootElement;

    public static TheoryData<TransportKind, string, bool> Cases()
    {
        var data = new TheoryData<TransportKind, string, bool>();
        foreach (var kind in Transports.All)
        {
            foreach (var model in Models)
            {
                data.Add(kind, model, false);
                data.Add(kind, model, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Text_AnswerReasoningAndUsage_AsTheEmulatorSentThem(TransportKind kind, string model, bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, model, kind));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var result = outcome.Ok;
        var request = Assert.Single(emu.Chats());
        var wire = await emu.ReplayAsync(request, EmulatorKit.Guard());
        var (reasoning, answer) = wire.Split();
        var style = EmulatedModel.Defaults.Single(m => m.Name == model).Reasoning;

        Assert.Equal(answer, result.Answer);
        Assert.DoesNotContain("think>", result.Answer, StringComparison.Ordinal);
        Assert.Equal(style is ReasoningStyle.ThinkTags or ReasoningStyle.ReasoningContent ? reasoning : null, result.Reasoning);
        Assert.Equal(style is ReasoningStyle.None ? 0 : wire.Usage!.ReasoningTokens, result.Usage!.ReasoningTokenCount);
        Assert.Equal(Reported(wire.Usage!), result.Usage);
        Assert.Equal(ChatFinishReason.Stop, result.FinishReason);
        Assert.Equal(model, result.Model);
        if (streaming)
        {
            Assert.Equal(answer, outcome.Seen.AnswerText());
            Assert.Equal(style == ReasoningStyle.ThinkTags ? reasoning + "\n" : reasoning, outcome.Seen.ReasoningText());
            Assert.Equal(result.Usage, Assert.Single(outcome.Seen, u => u.Kind == MaiUpdateKind.Usage).Usage);
            Assert.Contains("\"stream_options\":{\"include_usage\":true}", request.Body, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task ToolCall_RequireSpecific_TheCallAsTheEmulatorSentIt(TransportKind kind, string model, bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, model, kind));
        var options = new ChatOptions { Tools = [Weather], ToolMode = ChatToolMode.RequireSpecific("get_weather") };

        var outcome = await CallOutcome.RunAsync(client, clock, streaming, "What is the weather in Paris?", options);

        var result = outcome.Ok;
        var request = Assert.Single(emu.Chats());
        Assert.Contains("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}", request.Body, StringComparison.Ordinal);
        var wire = await emu.ReplayAsync(request, EmulatorKit.Guard());
        var expected = Assert.Single(wire.ToolCalls);
        var call = Assert.Single(result.ToolCalls);
        Assert.Equal((expected.Id, expected.Name), (call.CallId, call.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Arguments), JsonSerializer.SerializeToNode(call.Arguments, AIJsonUtilities.DefaultOptions)), $"{expected.Arguments} vs {JsonSerializer.Serialize(call.Arguments, AIJsonUtilities.DefaultOptions)}");
        Assert.Equal(string.Empty, result.Answer);
        Assert.Equal(wire.FinishReason == "stop" ? ChatFinishReason.Stop : ChatFinishReason.ToolCalls, result.FinishReason);
        Assert.Equal(model == "gpt-4o" ? "stop" : "tool_calls", wire.FinishReason); // gpt-4o's forced call finishes with stop
        Assert.Equal(Reported(wire.Usage!), result.Usage);
        if (streaming)
        {
            Assert.Same(call, Assert.Single(outcome.Seen, u => u.Kind == MaiUpdateKind.ToolCall).ToolCall);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task JsonSchema_AnswerIsTheEmulatorsJson(TransportKind kind, string model, bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, model, kind));
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(ReportSchema, "weather_report") };

        var outcome = await CallOutcome.RunAsync(client, clock, streaming, "Report the weather in Paris.", options);

        var result = outcome.Ok;
        var request = Assert.Single(emu.Chats());
        Assert.Contains("\"response_format\":{\"type\":\"json_schema\"", request.Body, StringComparison.Ordinal);
        var wire = await emu.ReplayAsync(request, EmulatorKit.Guard());
        Assert.Equal(wire.Split().Answer, result.Answer);
        using var json = JsonDocument.Parse(result.Answer);
        Assert.Equal(["city", "sunny", "temperature"], json.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(JsonValueKind.String, json.RootElement.GetProperty("city").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("temperature").ValueKind);
        Assert.Equal(Reported(wire.Usage!), result.Usage);
    }

    [Theory]
    [MemberData(nameof(Transports.Kinds), MemberType = typeof(Transports))]
    public async Task Stream_EndpointRejectsStreamOptions_OneExtraRequestOncePerClientThenUsageEstimated(TransportKind kind)
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o with { Name = "legacy-4o", RejectStreamOptions = true });
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, "legacy-4o", kind));

        var first = await CallOutcome.RunAsync(client, clock, streaming: true);
        var second = await CallOutcome.RunAsync(client, clock, streaming: true);

        var chats = emu.Chats();
        Assert.Equal(3, chats.Count);
        Assert.Equal([true, false, false], chats.Select(r => r.Body.Contains("stream_options", StringComparison.Ordinal)));
        foreach (var outcome in new[] { first, second })
        {
            var result = outcome.Ok;
            var prompt = TokenEstimator.Default.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
            var output = TokenEstimator.Default.CountTokens(outcome.Seen.AnswerText());
            Assert.Equal(new MaiUsage(prompt, output, 0, 0, prompt + output, IsEstimated: true), result.Usage);
            Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)], result.Attempts);
        }

        Assert.Equal(first.Ok.Answer, second.Ok.Answer);

        // Once per client: a new client asks again, once.
        using var other = new MaiClient(EmulatorKit.Options(emu, clock, "legacy-4o", kind));
        Assert.True((await CallOutcome.RunAsync(other, clock, streaming: true)).Ok.Usage!.IsEstimated);
        Assert.Equal([true, false, false, true, false], emu.Chats().Select(r => r.Body.Contains("stream_options", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Transports.Kinds), MemberType = typeof(Transports))]
    public async Task Request_PipelineInternalOptions_NeverSentOnTheWire(TransportKind kind)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, "MAI-Thinking-1", kind));
        var options = new ChatOptions { MaxOutputTokens = 300, AdditionalProperties = new() { ["mai.secret"] = "internal" } }
            .WithScope(user: "alice", tenant: "acme", tag: "docs");

        _ = (await CallOutcome.RunAsync(client, clock, streaming: false, options: options)).Ok;
        _ = (await CallOutcome.RunAsync(client, clock, streaming: true, options: options)).Ok;

        Assert.All(emu.Chats(), r =>
        {
            Assert.DoesNotContain("mai.", r.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("alice", r.Body, StringComparison.Ordinal);
            Assert.Contains("\"max_tokens\":300", r.Body, StringComparison.Ordinal);
        });
    }

    [Theory]
    [MemberData(nameof(Transports.Kinds), MemberType = typeof(Transports))]
    public async Task Call_WrongKey_401NotRetriedAndTheKeyNeverShown(TransportKind kind)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, "MAI-Thinking-1", kind);
        options.ApiKey = "sk-WRONG-0123456789abcdef";
        using var client = new MaiClient(options);

        foreach (var streaming in new[] { false, true })
        {
            var outcome = await CallOutcome.RunAsync(client, clock, streaming);

            var error = outcome.Failed<MaiServiceException>();
            Assert.Equal(401, error.Status);
            Assert.DoesNotContain("sk-WRONG", error.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain("0123456789abcdef", error.ToString(), StringComparison.Ordinal);
            Assert.Equal(1, Assert.Single(outcome.Attempts).Number);
        }

        Assert.Equal(2, emu.Chats().Count);
        Assert.All(emu.Chats(), r => Assert.DoesNotContain("sk-WRONG", string.Join(";", r.Headers.Values), StringComparison.Ordinal));
    }

    private static MaiUsage Reported(WireUsage wire) =>
        new(wire.PromptTokens, wire.CompletionTokens, wire.ReasoningTokens, wire.CachedTokens, wire.TotalTokens, IsEstimated: false);
}
