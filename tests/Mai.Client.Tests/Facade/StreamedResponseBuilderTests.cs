using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Facade;

/// <summary>The facade folds a stream as it arrives instead of keeping every update; the result must equal M.E.AI's ToChatResponse().</summary>
public class StreamedResponseBuilderTests
{
    public static TheoryData<string> Streams => ["think", "tools", "two-messages", "usage-twice"];

    [Theory]
    [MemberData(nameof(Streams))]
    public void Build_SameUpdates_EqualsToChatResponse(string name)
    {
        var updates = Make(name);
        var builder = new MaiClient.StreamedResponseBuilder();
        foreach (var update in Make(name))
        {
            builder.Add(update);
        }

        var expected = updates.ToChatResponse();
        var actual = builder.Build();

        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.ResponseId, actual.ResponseId);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.FinishReason, actual.FinishReason);
        Assert.Equal(expected.Usage?.InputTokenCount, actual.Usage?.InputTokenCount);
        Assert.Equal(expected.Usage?.OutputTokenCount, actual.Usage?.OutputTokenCount);
        Assert.Equal(expected.Usage?.ReasoningTokenCount, actual.Usage?.ReasoningTokenCount);
        Assert.Equal(expected.GetMaiUsage(), actual.GetMaiUsage());
        Assert.Equal(expected.Messages.Count, actual.Messages.Count);
        for (var i = 0; i < expected.Messages.Count; i++)
        {
            Assert.Equal(expected.Messages[i].Role, actual.Messages[i].Role);
            Assert.Equal(expected.Messages[i].MessageId, actual.Messages[i].MessageId);
            Assert.Equal(Describe(expected.Messages[i]), Describe(actual.Messages[i]));
        }
    }

    private static string[] Describe(ChatMessage message) => [.. message.Contents.Select(c => c switch
    {
        TextReasoningContent r => "reasoning:" + r.Text,
        TextContent t => "text:" + t.Text,
        FunctionCallContent f => $"call:{f.CallId}:{f.Name}:{string.Join(",", f.Arguments?.Select(kv => $"{kv.Key}={kv.Value}") ?? [])}",
        UsageContent u => $"usage:{u.Details.InputTokenCount}/{u.Details.OutputTokenCount}",
        _ => c.GetType().Name,
    })];

    private static List<ChatResponseUpdate> Make(string name)
    {
        var usage = new MaiUsage(12, 30, 20, 0, 42, false);
        return name switch
        {
            "think" =>
            [
                new(ChatRole.Assistant, [new TextReasoningContent("plan ")]) { ResponseId = "r1", MessageId = "m1", ModelId = "MAI-Thinking-1" },
                new(ChatRole.Assistant, [new TextReasoningContent("more")]) { ResponseId = "r1", MessageId = "m1" },
                new(ChatRole.Assistant, "Hello") { ResponseId = "r1", MessageId = "m1" },
                new(ChatRole.Assistant, " world") { ResponseId = "r1", MessageId = "m1", FinishReason = ChatFinishReason.Stop },
                new() { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 12, OutputTokenCount = 30, ReasoningTokenCount = 20 })], ResponseId = "r1" },
                new() { AdditionalProperties = new() { [MaiUsage.PropertyKey] = usage } },
            ],
            "tools" =>
            [
                new(ChatRole.Assistant, [new FunctionCallContent("c1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]) { ResponseId = "r2", MessageId = "m2", ModelId = "gpt-4o" },
                new(ChatRole.Assistant, [new FunctionCallContent("c2", "get_time", new Dictionary<string, object?> { ["zone"] = "CET" })]) { ResponseId = "r2", MessageId = "m2", FinishReason = ChatFinishReason.ToolCalls },
            ],
            "two-messages" =>
            [
                new(ChatRole.Assistant, "first") { MessageId = "a" },
                new(ChatRole.Assistant, " part") { MessageId = "a" },
                new(ChatRole.Assistant, "second") { MessageId = "b" },
            ],
            "usage-twice" =>
            [
                new(ChatRole.Assistant, "x") { ResponseId = "r3" },
                new() { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 5, OutputTokenCount = 1 })] },
                new() { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 7, OutputTokenCount = 2 })] },
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
