using Mai.Client.Reasoning;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Reasoning;

public class ReasoningChatClientTests
{
    [Fact]
    public async Task GetResponseAsync_ThinkTagsInContent_ReasoningBeforeAnswerWithoutTags()
    {
        using var client = new ReasoningChatClient(Respond("<think>\nThe user greets me.\n</think>\n\nHello there!"));

        var response = await client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);

        var contents = response.Messages.Single().Contents;
        Assert.Collection(
            contents,
            c => Assert.Equal("The user greets me.\n", Assert.IsType<TextReasoningContent>(c).Text),
            c => Assert.Equal("Hello there!", Assert.IsType<TextContent>(c).Text));
        Assert.Equal("Hello there!", response.Text);
    }

    [Fact]
    public async Task GetResponseAsync_OpeningTagStrippedByHost_TextBeforeCloseTagIsReasoning()
    {
        using var client = new ReasoningChatClient(Respond("Let me think.\n</think>\n\n42"));

        var response = await client.GetResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("42", response.Text);
        Assert.Equal("Let me think.\n", Assert.IsType<TextReasoningContent>(response.Messages[0].Contents[0]).Text);
    }

    [Fact]
    public async Task GetResponseAsync_ReasoningFieldAlreadySplit_PassesThroughUnchanged()
    {
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("why"), new TextContent("answer")]))),
        };
        using var client = new ReasoningChatClient(inner);

        var response = await client.GetResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("why", Assert.IsType<TextReasoningContent>(response.Messages[0].Contents[0]).Text);
        Assert.Equal("answer", response.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TagsSplitAcrossChunks_ReasoningAndAnswerInOrderWithoutTags()
    {
        string[] chunks = ["<th", "ink>", "Step one", ". Step", " two.</", "think", ">\n\n", "The ", "answer", " is 4."];
        using var client = new ReasoningChatClient(Stream(chunks, usageAtEnd: true));

        var updates = await client.GetStreamingResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        var reasoning = string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(c => c.Text));
        var answer = string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(c => c.Text));
        Assert.Equal("Step one. Step two.", reasoning);
        Assert.Equal("The answer is 4.", answer);
        Assert.DoesNotContain(updates.SelectMany(u => u.Contents).OfType<TextContent>(), c => c.Text.Contains('<'));
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        var firstAnswer = updates.FindIndex(u => u.Contents.OfType<TextContent>().Any());
        var lastReasoning = updates.FindLastIndex(u => u.Contents.OfType<TextReasoningContent>().Any());
        Assert.True(lastReasoning < firstAnswer);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UnclosedTagAtEnd_EverythingAfterTagIsReasoning()
    {
        using var client = new ReasoningChatClient(Stream(["<think>", "still thinking when the", " limit hit"], usageAtEnd: false));

        var response = await client.GetStreamingResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken);

        Assert.Equal(string.Empty, response.Text);
        Assert.Equal("still thinking when the limit hit", string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(c => c.Text)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_PlainAnswer_UpdatesPassThroughUntouched()
    {
        var inner = Stream(["Hello", " world"], usageAtEnd: false);
        using var client = new ReasoningChatClient(inner);

        var updates = await client.GetStreamingResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["Hello", " world"], updates.Select(u => u.Text));
        Assert.All(updates, u => Assert.IsType<TextContent>(Assert.Single(u.Contents)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TrailingPartialTag_FlushedAsTextAtEnd()
    {
        using var client = new ReasoningChatClient(Stream(["a < b is true <thi"], usageAtEnd: false));

        var response = await client.GetStreamingResponseAsync("q", cancellationToken: TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken);

        Assert.Equal("a < b is true <thi", response.Text);
    }

    private static TestChatClient Respond(string text) => new()
    {
        GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text))),
    };

    private static TestChatClient Stream(string[] chunks, bool usageAtEnd) => new()
    {
        GetStreamingResponseAsyncCallback = (_, _, ct) =>
        {
            var updates = chunks.Select(c => new ChatResponseUpdate(ChatRole.Assistant, c) { ResponseId = "r1" }).ToList();
            if (usageAtEnd)
            {
                updates.Add(new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 9 })], FinishReason = ChatFinishReason.Stop });
            }

            return TestChatClient.Yield(updates, ct);
        },
    };
}
