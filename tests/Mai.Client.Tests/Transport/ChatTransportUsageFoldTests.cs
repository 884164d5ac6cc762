using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>
/// Issue 12, item 6: M.E.AI's <c>ToChatResponse()</c> adds up every <see cref="UsageContent"/> of a stream, so the updates a
/// transport yields, and those the whole pipeline yields, must fold to the service's figures: a usage chunk with only
/// <c>prompt_tokens: 100</c> must not come out as 200 input tokens (the transport's 100 plus an estimate repeating them).
/// </summary>
public sealed class ChatTransportUsageFoldTests
{
    private static string PromptOnlyStream(RawWire wire) => wire.IsMessages
        ? RawWire.Sse(
        [
            """{"type":"message_start","message":{"id":"msg_01A","type":"message","role":"assistant","model":"claude-opus-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":100}}}""",
            wire.TextEvent("abc"),
            """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null}}""",
            """{"type":"message_stop"}""",
        ])
        : RawWire.Sse(
        [
            Chunk("""{"content":"abc"}""", "stop"),
            """{"id":"c-1","object":"chat.completion.chunk","created":1727989992,"model":"m-1","choices":[],"usage":{"prompt_tokens":100}}""",
        ]) + "data: [DONE]\n\n";

    private static ScriptedReply Reply(RawWire wire) => new() { Headers = [new("Content-Type", "text/event-stream")], Parts = [RawWire.Utf8(PromptOnlyStream(wire))] };

    [Theory]
    [MemberData(nameof(RawWire.Names), MemberType = typeof(RawWire))]
    public async Task Transport_UsageWithOnlyInputTokens_FoldsToTheWireFigures(string transport)
    {
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(Reply(wire));
        using var client = wire.Create(server);

        var response = (await CollectAsync(client.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        Assert.Equal("abc", response.Text);
        Assert.Equal(100L, response.Usage!.InputTokenCount);
        Assert.Null(response.Usage.OutputTokenCount);
    }

    [Theory]
    [MemberData(nameof(RawWire.Names), MemberType = typeof(RawWire))]
    public async Task Pipeline_UsageWithOnlyInputTokens_FoldsToTheReportedInputAndTheEstimatedOutputOnce(string transport)
    {
        // Through MaiClient's IChatClient (metering estimates the missing output and says so): input stays the reported 100, and
        // input + output = total, whatever the estimate of the output is.
        var wire = RawWire.Get(transport);
        await using var server = new LoopbackServer(Reply(wire));
        var clock = new TestSupport.TestClock();
        var path = wire.IsMessages ? "/anthropic" : wire == RawWire.OpenAIV1 ? "/openai/v1" : "/models";
        using var client = new MaiClient(new MaiClientOptions
        {
            Endpoint = new Uri(server.Endpoint, path),
            Transport = wire.IsMessages ? MaiTransport.AnthropicMessages : wire == RawWire.OpenAIV1 ? MaiTransport.OpenAIV1 : MaiTransport.AzureInference,
            Model = wire.IsMessages ? "claude-opus-4-6" : "gpt-4o",
            ApiKey = Key,
            TimeProvider = clock,
        });

        var response = (await CollectAsync(client.ChatClient.GetStreamingResponseAsync(Hello(), cancellationToken: Guard()))).ToChatResponse();

        Assert.Equal("abc", response.Text);
        var usage = response.Usage!;
        Assert.Equal(100L, usage.InputTokenCount);
        Assert.True(usage.OutputTokenCount > 0, "the missing output is estimated");
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }
}
