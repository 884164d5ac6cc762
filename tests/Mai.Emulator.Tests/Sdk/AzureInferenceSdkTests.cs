using System.Text.Json;
using Azure.AI.Inference;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>The raw Azure.AI.Inference 1.0.0-beta.5 client parses every kind of emulator response.</summary>
public sealed class AzureInferenceSdkTests
{
    private const string Prompt = "How many feet are in a mile?";

    [Fact]
    public async Task Complete_PlainText_ParsesContentFinishReasonAndUsage()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);

        var response = await client.CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline());

        var completion = response.Value;
        Assert.StartsWith("Here is a short answer about feet mile.", completion.Content);
        Assert.Equal(CompletionsFinishReason.Stopped, completion.FinishReason);
        Assert.Equal(ChatRole.Assistant, completion.Role);
        Assert.Equal("gpt-4o", completion.Model);
        Assert.StartsWith("chatcmpl-", completion.Id);
        Assert.Equal(Tok.Prompt(("user", Prompt)), completion.Usage.PromptTokens);
        Assert.Equal(Tok.Count(completion.Content), completion.Usage.CompletionTokens);
        Assert.Equal(completion.Usage.PromptTokens + completion.Usage.CompletionTokens, completion.Usage.TotalTokens);
    }

    [Fact]
    public async Task CompleteStreaming_PlainText_ConcatenatesToTheNonStreamingAnswerWithUsageOnLastChunk()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);
        var expected = (await client.CompleteAsync(Clients.AzureOptions("Mistral-small", Prompt), Clients.Deadline())).Value;

        var updates = new List<StreamingChatCompletionsUpdate>();
        using var stream = await client.CompleteStreamingAsync(Clients.AzureOptions("Mistral-small", Prompt), Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            updates.Add(update);
        }

        Assert.Equal(ChatRole.Assistant, updates[0].Role);
        Assert.Equal(expected.Content, string.Concat(updates.Select(u => u.ContentUpdate)));
        var last = updates[^1];
        Assert.Equal(CompletionsFinishReason.Stopped, last.FinishReason);
        Assert.Equal(expected.Usage.CompletionTokens, last.Usage.CompletionTokens);
        Assert.Equal(expected.Usage.PromptTokens, last.Usage.PromptTokens);
        Assert.Single(updates, u => u.Usage is not null);
        Assert.True(updates.Count > 10, $"only {updates.Count} updates: the answer must be chunked");
    }

    [Fact]
    public async Task Complete_ThinkTags_ContentCarriesThinkBlockAndReasoningTokensCountIt()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);

        var response = await client.CompleteAsync(Clients.AzureOptions("MAI-Thinking-1", Prompt), Clients.Deadline());

        var content = response.Value.Content;
        Assert.StartsWith("<think>\nThe user is asking about feet mile.", content);
        var end = content.IndexOf("\n</think>\n\n", StringComparison.Ordinal) + "\n</think>\n\n".Length;
        Assert.True(end > 20);
        using var raw = JsonDocument.Parse(response.GetRawResponse().Content);
        var usage = raw.RootElement.GetProperty("usage");
        Assert.Equal(Tok.Count(content[..end]), usage.GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(Tok.Count(content[..end]) + Tok.Count(content[end..]), response.Value.Usage.CompletionTokens);

        var streamed = new List<string>();
        using var stream = await client.CompleteStreamingAsync(Clients.AzureOptions("MAI-Thinking-1", Prompt), Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            streamed.Add(update.ContentUpdate);
        }

        Assert.Equal(content, string.Concat(streamed));
    }

    [Fact]
    public async Task Complete_ReasoningContent_AnswerIsCleanAndRawJsonHasReasoningContent()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);

        var response = await client.CompleteAsync(Clients.AzureOptions("DeepSeek-R1", Prompt), Clients.Deadline());

        Assert.StartsWith("Here is a short answer", response.Value.Content);
        using var raw = JsonDocument.Parse(response.GetRawResponse().Content);
        var reasoning = raw.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("reasoning_content").GetString();
        Assert.StartsWith("The user is asking about feet mile.", reasoning);
        var reasoningTokens = raw.RootElement.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        Assert.Equal(Tok.Count(reasoning), reasoningTokens);
        Assert.Equal(reasoningTokens + Tok.Count(response.Value.Content), response.Value.Usage.CompletionTokens);

        // Azure.AI.Inference drops reasoning_content deltas (all-null updates) but must still parse the stream.
        var contents = new List<string>();
        using var stream = await client.CompleteStreamingAsync(Clients.AzureOptions("DeepSeek-R1", Prompt), Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            contents.Add(update.ContentUpdate);
        }

        Assert.Equal(response.Value.Content, string.Concat(contents));
    }

    [Fact]
    public async Task Complete_HiddenReasoning_ReportsReasoningTokensWithoutText()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Clients.Azure(emu);

        var response = await client.CompleteAsync(Clients.AzureOptions("o3-mini", Prompt), Clients.Deadline());

        Assert.DoesNotContain("<think>", response.Value.Content);
        using var raw = JsonDocument.Parse(response.GetRawResponse().Content);
        var message = raw.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.False(message.TryGetProperty("reasoning_content", out _));
        var reasoningTokens = raw.RootElement.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        Assert.True(reasoningTokens > 20, $"reasoning_tokens={reasoningTokens}");
        Assert.Equal(reasoningTokens + Tok.Count(response.Value.Content), response.Value.Usage.CompletionTokens);
    }

    [Theory]
    [InlineData(UsagePlacement.LastChunk, false)]
    [InlineData(UsagePlacement.SeparateChunk, false)]
    [InlineData(UsagePlacement.SeparateChunk, true)]
    [InlineData(UsagePlacement.EveryChunk, false)]
    [InlineData(UsagePlacement.None, true)]
    public async Task CompleteStreaming_UsagePlacement_UsageArrivesWhereTheModelPutsIt(UsagePlacement placement, bool askForUsage)
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", StreamUsage = placement } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        var client = Clients.Azure(emu);
        var expected = (await client.CompleteAsync(Clients.AzureOptions("m", Prompt), Clients.Deadline())).Value.Usage;
        var request = Clients.AzureOptions("m", Prompt);
        if (askForUsage)
        {
            request.AdditionalProperties["stream_options"] = BinaryData.FromString("""{"include_usage":true}""");
        }

        var updates = new List<StreamingChatCompletionsUpdate>();
        using var stream = await client.CompleteStreamingAsync(request, Clients.Deadline());
        await foreach (var update in stream.WithCancellation(Clients.Deadline()))
        {
            updates.Add(update);
        }

        var withUsage = updates.Where(u => u.Usage is not null).ToList();
        switch (placement)
        {
            case UsagePlacement.LastChunk:
                Assert.Same(updates[^1], Assert.Single(withUsage));
                Assert.Equal(CompletionsFinishReason.Stopped, updates[^1].FinishReason);
                break;
            case UsagePlacement.SeparateChunk when !askForUsage:
            case UsagePlacement.None:
                Assert.Empty(withUsage);
                break;
            case UsagePlacement.SeparateChunk:
                Assert.Same(updates[^1], Assert.Single(withUsage));
                Assert.Null(updates[^1].FinishReason);
                Assert.Equal(CompletionsFinishReason.Stopped, updates[^2].FinishReason);
                break;
            case UsagePlacement.EveryChunk:
                Assert.Equal(updates.Count, withUsage.Count);
                Assert.True(withUsage.Select(u => u.Usage.CompletionTokens).SequenceEqual(withUsage.Select(u => u.Usage.CompletionTokens).Order()));
                break;
        }

        if (withUsage.Count > 0)
        {
            Assert.Equal(expected.CompletionTokens, withUsage[^1].Usage.CompletionTokens);
            Assert.Equal(expected.PromptTokens, withUsage[^1].Usage.PromptTokens);
            Assert.Equal(expected.TotalTokens, withUsage[^1].Usage.TotalTokens);
        }
    }

    [Fact]
    public async Task GetModelInfo_InfoRoute_ReturnsFirstModel()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var info = (await Clients.Azure(emu).GetModelInfoAsync(Clients.Deadline())).Value;

        Assert.Equal("MAI-Thinking-1", info.ModelName);
        // The real service sends "chat-completion" (recorded), which differs from the SDK constant "chat_completion".
        Assert.Equal("chat-completion", info.ModelType.ToString());
        Assert.Equal("Microsoft", info.ModelProviderName);
    }

    [Fact]
    public async Task Complete_ModelsRouteAndDeploymentRoute_BothAnswer()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var viaModels = await Clients.Azure(emu, "/models").CompleteAsync(Clients.AzureOptions("gpt-4o", Prompt), Clients.Deadline());
        var viaDeployment = await Clients.Azure(emu, "/openai/deployments/DeepSeek-R1").CompleteAsync(
            new ChatCompletionsOptions { Messages = { new ChatRequestUserMessage(Prompt) } }, Clients.Deadline());

        Assert.Equal("gpt-4o", viaModels.Value.Model);
        Assert.Equal("DeepSeek-R1", viaDeployment.Value.Model);
        Assert.Equal(
            ["/models/chat/completions?api-version=2024-05-01-preview", "/openai/deployments/DeepSeek-R1/chat/completions?api-version=2024-05-01-preview"],
            emu.Requests.Select(r => r.PathAndQuery));
    }
}
