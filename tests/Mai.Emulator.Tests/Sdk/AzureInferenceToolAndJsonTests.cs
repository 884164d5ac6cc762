using System.Text.Json;
using Azure.AI.Inference;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>Tool calls (both streaming styles, the finish-reason quirk) and JSON output through raw Azure.AI.Inference.</summary>
public sealed class AzureInferenceToolAndJsonTests
{
    private static readonly FunctionDefinition s_weather = new("get_weather")
    {
        Description = "Get the weather",
        Parameters = BinaryData.FromString(Tools.WeatherSchema),
    };

    private static ChatCompletionsOptions WithTools(string model, string prompt, ChatCompletionsToolChoice? choice) => new()
    {
        Model = model,
        Messages = { new ChatRequestUserMessage(prompt) },
        Tools = { new ChatCompletionsToolDefinition(s_weather) },
        ToolChoice = choice,
    };

    [Theory]
    [InlineData("MAI-Thinking-1", "tool_calls")]
    [InlineData("gpt-4o", "stop")]
    public async Task Complete_RequiredToolChoice_ReturnsSchemaValidCallWithModelFinishReason(string model, string finishReason)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var completion = (await Clients.Azure(emu).CompleteAsync(WithTools(model, "What should I wear in Honolulu?", ChatCompletionsToolChoice.Required), Clients.Deadline())).Value;

        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.Name);
        Assert.StartsWith("call_", call.Id);
        Tools.AssertValidWeather(call.Arguments);
        Assert.Equal("Honolulu", JsonDocument.Parse(call.Arguments).RootElement.GetProperty("city").GetString());
        Assert.Equal(finishReason, completion.FinishReason.ToString());
    }

    [Fact]
    public async Task Complete_NamedToolChoice_CallsThatFunction()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var completion = (await Clients.Azure(emu).CompleteAsync(WithTools("DeepSeek-R1", "Plan a picnic", new ChatCompletionsToolChoice(s_weather)), Clients.Deadline())).Value;

        Assert.Equal("get_weather", Assert.Single(completion.ToolCalls).Name);
        Assert.Equal(CompletionsFinishReason.ToolCalls, completion.FinishReason);
    }

    [Fact]
    public async Task Complete_AutoWithoutMention_AnswersInText()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var completion = (await Clients.Azure(emu).CompleteAsync(WithTools("gpt-4o", "Tell me a story about cats", ChatCompletionsToolChoice.Auto), Clients.Deadline())).Value;

        Assert.Empty(completion.ToolCalls);
        Assert.StartsWith("Here is a short answer about story cats.", completion.Content);
    }

    [Fact]
    public async Task CompleteStreaming_OpenAIStyleToolCall_FirstFragmentHasIdAndNameThenArguments()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);
        var expected = Assert.Single((await client.CompleteAsync(WithTools("gpt-4o", "Use get_weather for Paris", null), Clients.Deadline())).Value.ToolCalls);

        var updates = new List<StreamingChatCompletionsUpdate>();
        using var stream = await client.CompleteStreamingAsync(WithTools("gpt-4o", "Use get_weather for Paris", null), Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            updates.Add(update);
        }

        var fragments = updates.Where(u => u.ToolCallUpdate is not null).Select(u => u.ToolCallUpdate).ToList();
        Assert.True(fragments.Count > 3, $"{fragments.Count} fragments");
        Assert.Equal(expected.Id, fragments[0].Id);
        Assert.Equal("get_weather", fragments[0].Function.Name);
        Assert.All(fragments.Skip(1), f => Assert.Null(f.Id));
        var arguments = string.Concat(fragments.Select(f => f.Function.Arguments));
        Assert.Equal(expected.Arguments, arguments);
        Tools.AssertValidWeather(arguments);
        Assert.Equal(CompletionsFinishReason.ToolCalls, updates.Last(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task CompleteStreaming_MistralStyleToolCall_WholeCallInOneChunkWithFinishAndUsage()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var updates = new List<StreamingChatCompletionsUpdate>();
        using var stream = await Clients.Azure(emu).CompleteStreamingAsync(WithTools("Mistral-small", "get_weather in Honolulu", null), Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            updates.Add(update);
        }

        var call = Assert.Single(updates, u => u.ToolCallUpdate is not null);
        Assert.Equal(9, call.ToolCallUpdate.Id.Length);
        Assert.Equal("get_weather", call.ToolCallUpdate.Function.Name);
        Tools.AssertValidWeather(call.ToolCallUpdate.Function.Arguments);
        Assert.Equal(CompletionsFinishReason.ToolCalls, call.FinishReason);
        Assert.Equal(Tok.Count(call.ToolCallUpdate.Function.Arguments), call.Usage.CompletionTokens);
        Assert.Same(updates[^1], call);
    }

    [Fact]
    public async Task Complete_LastMessageIsToolResult_AnswersInTextUsingIt()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);
        var first = (await client.CompleteAsync(WithTools("Mistral-small", "What should I wear in Honolulu?", ChatCompletionsToolChoice.Required), Clients.Deadline())).Value;
        var call = Assert.Single(first.ToolCalls);
        var followUp = WithTools("Mistral-small", "What should I wear in Honolulu?", null);
        followUp.Messages.Add(new ChatRequestAssistantMessage(first));
        followUp.Messages.Add(new ChatRequestToolMessage("31 celsius", call.Id));

        var answer = (await client.CompleteAsync(followUp, Clients.Deadline())).Value;

        Assert.Empty(answer.ToolCalls);
        Assert.StartsWith("Based on the get_weather result, 31 celsius.", answer.Content);
        Assert.Equal(CompletionsFinishReason.Stopped, answer.FinishReason);
    }

    [Fact]
    public async Task Complete_JsonObjectFormat_ContentIsAJsonObject()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var options = Clients.AzureOptions("gpt-4o", "Summarise volcanoes as JSON");
        options.ResponseFormat = ChatCompletionsResponseFormat.CreateJsonFormat();

        var completion = (await Clients.Azure(emu).CompleteAsync(options, Clients.Deadline())).Value;

        using var json = JsonDocument.Parse(completion.Content);
        Assert.Equal("Summarise volcanoes JSON", json.RootElement.GetProperty("topic").GetString());
        Assert.StartsWith("Here is a short answer", json.RootElement.GetProperty("answer").GetString());
    }

    [Fact]
    public async Task Complete_JsonSchemaFormat_ContentIsValidAgainstTheSchema()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var schema = JsonDocument.Parse(Tools.WeatherSchema);
        var options = Clients.AzureOptions("DeepSeek-R1", "Weather for Oslo");
        options.ResponseFormat = ChatCompletionsResponseFormat.CreateJsonFormat(
            "weather", schema.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => BinaryData.FromString(p.Value.GetRawText())), jsonSchemaIsStrict: true);

        var completion = (await Clients.Azure(emu).CompleteAsync(options, Clients.Deadline())).Value;

        Tools.AssertValidWeather(completion.Content);
        Assert.Equal("Oslo", JsonDocument.Parse(completion.Content).RootElement.GetProperty("city").GetString());
    }
}
