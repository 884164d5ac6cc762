using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Facade;

/// <summary>Issue 11, item 6: the facade alone over a composed pipeline adds no layer, so its callers get exactly the pipeline's middleware.</summary>
public class MaiClientFromPipelineTests
{
    [Fact]
    public async Task AskAsync_FromPipeline_CallsThePipelineAsIsAndTimesWithTheGivenClock()
    {
        var time = new FakeTimeProvider();
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "<think>kept</think>as sent")));
            },
        };
        var middlewareCalls = 0;
        var pipeline = inner.AsBuilder()
            .Use((messages, options, next, ct) =>
            {
                middlewareCalls++;
                return next(messages, options, ct);
            })
            .UseMaiPipeline(new MaiClientOptions { EnableMetering = false, EnableResilience = false, SplitReasoning = false })
            .Build();
        using var client = MaiClient.FromPipeline(pipeline, time);

        var result = await client.AskAsync("Hello?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Same(pipeline, client.ChatClient);
        Assert.Equal(1, middlewareCalls);
        Assert.Equal(1, inner.Calls);
        Assert.Equal("<think>kept</think>as sent", result.Answer); // no reasoning layer was added by the facade
        Assert.Equal(TimeSpan.FromMilliseconds(250), result.Duration);
    }

    [Fact]
    public void Dispose_FromPipeline_LeavesThePipelineToItsOwner()
    {
        var inner = new TestChatClient();

        MaiClient.FromPipeline(inner).Dispose();

        Assert.False(inner.Disposed);
    }

    [Fact]
    public void FromPipeline_NullPipeline_Throws()
    {
        var ex = Assert.Throws<ArgumentNullException>(() => MaiClient.FromPipeline(null!));

        Assert.Equal("pipeline", ex.ParamName);
    }
}
