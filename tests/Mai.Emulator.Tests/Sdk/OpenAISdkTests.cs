using System.ClientModel;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;
using OpenAI.Chat;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>The raw OpenAI 2.15 ChatClient against <c>/openai/v1</c> parses every kind of emulator response.</summary>
public sealed class OpenAISdkTests
{
    private const string Prompt = "How many feet are in a mile?";

    private static async Task<List<StreamingChatCompletionUpdate>> StreamAsync(ChatClient client, IEnumerable<ChatMessage> messages, ChatCompletionOptions? options = null)
    {
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, Clients.Deadline()))
        {
            updates.Add(update);
        }

        return updates;
    }

    private static string Text(StreamingChatCompletionUpdate u) => string.Concat(u.ContentUpdate.Select(p => p.Text));

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("MAI-Thinking-1")]
    [InlineData("DeepSeek-R1")]
    [InlineData("o3-mini")]
    [InlineData("Mistral-small")]
    public async Task CompleteChat_EachDefaultModel_ParsesContentUsageAndReasoningTokens(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        ChatCompletion completion = await Clients.OpenAI(emu, model).CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline());

        var text = completion.Content[0].Text;
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(model, completion.Model);
        Assert.Equal(Tok.Prompt(("user", Prompt)), completion.Usage.InputTokenCount);
        var reasoning = completion.Usage.OutputTokenDetails.ReasoningTokenCount;
        Assert.Equal(0, completion.Usage.InputTokenDetails.CachedTokenCount);
        if (model == "gpt-4o" || model == "Mistral-small")
        {
            Assert.Equal(0, reasoning);
            Assert.Equal(Tok.Count(text), completion.Usage.OutputTokenCount);
        }
        else
        {
            Assert.True(reasoning > 20, $"reasoning tokens {reasoning}");
            Assert.Equal(model == "MAI-Thinking-1", text.StartsWith("<think>", StringComparison.Ordinal));
            var answer = model == "MAI-Thinking-1" ? text[(text.IndexOf("</think>\n\n", StringComparison.Ordinal) + 10)..] : text;
            Assert.Equal(reasoning + Tok.Count(answer), completion.Usage.OutputTokenCount);
        }
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("MAI-Thinking-1")]
    [InlineData("DeepSeek-R1")]
    [InlineData("o3-mini")]
    [InlineData("Mistral-small")]
    public async Task CompleteChatStreaming_EachDefaultModel_MatchesNonStreamingAnswerAndUsage(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.OpenAI(emu, model);
        ChatCompletion expected = await client.CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline());

        var updates = await StreamAsync(client, [new UserChatMessage(Prompt)]);

        Assert.Equal(expected.Content[0].Text, string.Concat(updates.Select(Text)));
        Assert.Equal(ChatFinishReason.Stop, updates.Last(u => u.FinishReason is not null).FinishReason);
        // The OpenAI SDK asks for stream_options.include_usage, so every placement yields usage.
        var usage = updates.Last(u => u.Usage is not null).Usage;
        Assert.Equal(expected.Usage.OutputTokenCount, usage.OutputTokenCount);
        Assert.Equal(expected.Usage.InputTokenCount, usage.InputTokenCount);
        Assert.Equal(expected.Usage.OutputTokenDetails.ReasoningTokenCount, usage.OutputTokenDetails.ReasoningTokenCount);
        Assert.Contains("\"include_usage\":true", emu.Requests[^1].Body);
    }

    [Fact]
    public async Task CompleteChatStreaming_EveryChunkUsage_ParsesCumulativeUsage()
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "vllm", StreamUsage = UsagePlacement.EveryChunk, Chunking = StreamChunking.Token } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var updates = await StreamAsync(Clients.OpenAI(emu, "vllm"), [new UserChatMessage(Prompt)]);

        Assert.All(updates, u => Assert.NotNull(u.Usage));
        var counts = updates.Select(u => u.Usage.OutputTokenCount).ToList();
        Assert.Equal(counts.Order(), counts);
        Assert.Equal(Tok.Count(string.Concat(updates.Select(Text))), counts[^1]);
    }

    [Fact]
    public async Task CompleteChat_RequiredTool_ReturnsValidArgumentsAndToolResultRoundTrip()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.OpenAI(emu, "DeepSeek-R1");
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Get the weather", BinaryData.FromString(Tools.WeatherSchema)) },
            ToolChoice = ChatToolChoice.CreateRequiredChoice(),
        };
        List<ChatMessage> messages = [new UserChatMessage("What should I wear in Lisbon?")];

        ChatCompletion first = await client.CompleteChatAsync(messages, options, Clients.Deadline());

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Tools.AssertValidWeather(call.FunctionArguments.ToString());
        Assert.Equal("Lisbon", JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString());

        messages.Add(new AssistantChatMessage(first));
        messages.Add(new ToolChatMessage(call.Id, "22 celsius and sunny"));
        options.ToolChoice = ChatToolChoice.CreateAutoChoice();
        ChatCompletion second = await client.CompleteChatAsync(messages, options, Clients.Deadline());

        Assert.Equal(ChatFinishReason.Stop, second.FinishReason);
        Assert.Empty(second.ToolCalls);
        Assert.StartsWith("Based on the get_weather result, 22 celsius and sunny.", second.Content[0].Text);
    }

    [Theory]
    [InlineData("gpt-4o")]
    [InlineData("Mistral-small")]
    public async Task CompleteChatStreaming_ParallelToolCalls_StitchByIndexIntoValidCalls(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = new ChatCompletionOptions
        {
            Tools =
            {
                ChatTool.CreateFunctionTool("get_weather", "Get the weather", BinaryData.FromString(Tools.WeatherSchema)),
                ChatTool.CreateFunctionTool("get_time", "Get the time", BinaryData.FromString("""{"type":"object","properties":{"zone":{"type":"string"}},"required":["zone"]}""")),
            },
        };

        var updates = await StreamAsync(Clients.OpenAI(emu, model), [new UserChatMessage("Call get_weather and get_time for Rome")], options);

        var fragments = updates.SelectMany(u => u.ToolCallUpdates).ToList();

        // OpenAI style stitches by index. Mistral sends whole calls without an index (the SDK reports 0 for both), so stitch by id.
        var groups = model == "Mistral-small"
            ? fragments.GroupBy(t => (object)t.ToolCallId).ToList()
            : fragments.GroupBy(t => (object)t.Index).ToList();
        Assert.Equal(2, groups.Count);
        var calls = groups.Select(g => (
            Id: g.First().ToolCallId,
            Name: g.First().FunctionName,
            Args: string.Concat(g.Select(t => t.FunctionArgumentsUpdate?.ToString())))).ToList();
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.False(string.IsNullOrEmpty(c.Id)));
        Tools.AssertValidWeather(calls[0].Args);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(calls[1].Args).RootElement.GetProperty("zone").ValueKind);
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Last(u => u.FinishReason is not null).FinishReason);
        if (model == "Mistral-small")
        {
            Assert.Equal(2, fragments.Count);
            Assert.All(fragments, f => Assert.Equal(0, f.Index));
        }
        else
        {
            Assert.True(fragments.Count > 4, $"{fragments.Count} fragments");
        }
    }

    [Fact]
    public async Task CompleteChat_NamedToolOnGpt4o_FinishesWithStopButHasToolCalls()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = new ChatCompletionOptions
        {
            Tools = { ChatTool.CreateFunctionTool("get_weather", "Get the weather", BinaryData.FromString(Tools.WeatherSchema)) },
            ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather"),
        };

        ChatCompletion completion = await Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage("Anything")], options, Clients.Deadline());

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal("get_weather", Assert.Single(completion.ToolCalls).FunctionName);
    }

    [Fact]
    public async Task CompleteChat_JsonSchemaFormat_ProducesSchemaValidJson()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("weather", BinaryData.FromString(Tools.WeatherSchema), jsonSchemaIsStrict: true),
        };

        var updates = await StreamAsync(Clients.OpenAI(emu, "MAI-Thinking-1"), [new UserChatMessage("Weather in Kyoto")], options);

        var text = string.Concat(updates.Select(Text));
        var json = text[(text.IndexOf("</think>\n\n", StringComparison.Ordinal) + 10)..];
        Tools.AssertValidWeather(json);
    }

    [Fact]
    public async Task CompleteChat_JsonObjectFormat_ProducesAnObject()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = new ChatCompletionOptions { ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat() };

        ChatCompletion completion = await Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage("Volcanoes")], options, Clients.Deadline());

        Assert.Equal("Volcanoes", JsonDocument.Parse(completion.Content[0].Text).RootElement.GetProperty("topic").GetString());
    }

    [Fact]
    public async Task CompleteChat_MaxOutputTokens_StopsAtTheLimitWithLength()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 7 };

        ChatCompletion completion = await Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage(Prompt)], options, Clients.Deadline());

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(7, completion.Usage.OutputTokenCount);
        Assert.Equal(7, Tok.Count(completion.Content[0].Text));
        Assert.Contains("\"max_completion_tokens\":7", emu.Requests[^1].Body);
    }
}
