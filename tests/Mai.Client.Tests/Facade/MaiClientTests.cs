using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Facade;

public class MaiClientTests
{
    [Fact]
    public async Task AskAsync_ThinkingModel_AnswerReasoningUsageAndDurationSeparated()
    {
        var time = new FakeTimeProvider();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(1500));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "<think>sky scatters blue</think>Rayleigh scattering."))
                {
                    ModelId = "MAI-Thinking-1",
                    ResponseId = "resp-1",
                    FinishReason = ChatFinishReason.Stop,
                    Usage = new UsageDetails { InputTokenCount = 12, OutputTokenCount = 30, ReasoningTokenCount = 20, TotalTokenCount = 42 },
                });
            },
        };
        using var client = new MaiClient(inner, new MaiClientOptions { TimeProvider = time });

        var result = await client.AskAsync("Why is the sky blue?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("Rayleigh scattering.", result.Answer);
        Assert.Equal("sky scatters blue", result.Reasoning);
        Assert.Equal("MAI-Thinking-1", result.Model);
        Assert.Equal("resp-1", result.ResponseId);
        Assert.Equal(ChatFinishReason.Stop, result.FinishReason);
        Assert.Equal(20, result.Usage?.ReasoningTokenCount);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), result.Duration);
        Assert.Null(result.TimeToFirstToken);
    }

    [Fact]
    public async Task StreamAsync_ThinkingModel_TypedUpdatesThenCompletedWithTimeToFirstToken()
    {
        var time = new FakeTimeProvider();
        var inner = new TestChatClient
        {
            GetStreamingResponseAsyncCallback = (_, _, ct) => Updates(time, ct),
        };
        using var client = new MaiClient(inner, new MaiClientOptions { TimeProvider = time });

        var updates = await client.StreamAsync("q", cancellationToken: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            [MaiUpdateKind.Reasoning, MaiUpdateKind.Answer, MaiUpdateKind.Answer, MaiUpdateKind.Usage, MaiUpdateKind.Completed],
            updates.Select(u => u.Kind));
        var result = updates[^1].Result!;
        Assert.Equal("Hello world", result.Answer);
        Assert.Equal("plan", result.Reasoning);
        Assert.Equal(TimeSpan.FromMilliseconds(200), result.TimeToFirstToken);
        Assert.Equal(TimeSpan.FromMilliseconds(500), result.Duration);
        Assert.Equal(7, result.Usage?.OutputTokenCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AskAsync_BlankPrompt_ThrowsBeforeAnyRequest(string prompt)
    {
        var inner = new TestChatClient();
        using var client = new MaiClient(inner);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.AskAsync(prompt, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("prompt", ex.ParamName);
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task AskAsync_NoMessages_ThrowsBeforeAnyRequest()
    {
        var inner = new TestChatClient();
        using var client = new MaiClient(inner);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.AskAsync([], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("messages", ex.ParamName);
        Assert.Equal(0, inner.Calls);
    }

    [Fact]
    public async Task AskAsync_CallerOptions_NeverModified()
    {
        ChatOptions? seen = null;
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, o, _) =>
            {
                seen = o;
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        using var client = new MaiClient(inner);
        var options = new ChatOptions { ModelId = "m", MaxOutputTokens = 5 };

        await client.AskAsync("q", options, TestContext.Current.CancellationToken);

        Assert.Null(options.AdditionalProperties);
        Assert.NotSame(options, seen);
        Assert.Equal("m", seen!.ModelId);
        Assert.NotNull(MaiCallContext.Get(seen));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Updates(FakeTimeProvider time, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        time.Advance(TimeSpan.FromMilliseconds(200));
        yield return new ChatResponseUpdate(ChatRole.Assistant, "<think>plan</think>");
        time.Advance(TimeSpan.FromMilliseconds(100));
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello");
        time.Advance(TimeSpan.FromMilliseconds(100));
        yield return new ChatResponseUpdate(ChatRole.Assistant, " world");
        time.Advance(TimeSpan.FromMilliseconds(100));
        ct.ThrowIfCancellationRequested();
        yield return new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 3, OutputTokenCount = 7 })], FinishReason = ChatFinishReason.Stop };
    }
}
