using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Tests.Transport;
using Mai.Emulator;

namespace Mai.Client.Tests.Integration;

/// <summary>Streams over loopback: retried only before the first update, never replayed after it, and what the caller saw is kept.</summary>
public abstract class StreamingResilienceTests(TransportKind transport)
{
    [Theory]
    [InlineData("""{"error":{"code":"429","message":"Rate limit reached"}}""", "429")]
    [InlineData("""{"error":{"code":"rate_limit_exceeded","message":"slow down"}}""", "rate_limit_exceeded")]
    [InlineData("""{"error":{"message":"busy","status":503}}""", "stream_error")]
    [InlineData("""{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""", "stream_error")]
    public async Task Stream_InBandThrottleErrorBeforeAnyUpdate_RetriedLikeTheStatus(string errorEvent, string reason)
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Sse([errorEvent]),
            ScriptedReply.Sse([TransportTestKit.Chunk("""{"role":"assistant","content":"Hi"}"""), TransportTestKit.Chunk("{}", "stop")]));
        var clock = new TestClock();
        using var client = new MaiClient(LoopbackOptions(server, clock, transport));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        Assert.Equal("Hi", outcome.Ok.Answer);
        Assert.Equal(2, server.Requests.Count);
        var wait = Assert.Single(outcome.Waits);
        Assert.Equal(
            [new MaiAttempt(1, EmulatorKit.Primary, 200, reason, TimeSpan.FromMilliseconds(Math.Floor(wait.TotalMilliseconds)), TimeSpan.Zero), new MaiAttempt(2, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero)],
            outcome.Ok.Attempts);
    }

    [Fact]
    public async Task Stream_InBandPermanentErrorBeforeAnyUpdate_NotRetried()
    {
        await using var server = new LoopbackServer(
            ScriptedReply.Sse(["""{"error":{"code":"invalid_request_error","message":"bad tool schema"}}"""]),
            ScriptedReply.Sse([TransportTestKit.Chunk("""{"role":"assistant","content":"Hi"}"""), TransportTestKit.Chunk("{}", "stop")]));
        var clock = new TestClock();
        using var client = new MaiClient(LoopbackOptions(server, clock, transport));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var error = outcome.Failed<MaiServiceException>();
        Assert.Equal((200, "invalid_request_error"), (error.Status, error.ErrorCode));
        Assert.Single(server.Requests);
        Assert.Empty(outcome.Waits);
    }

    /// <summary>Options for a client whose primary deployment is a raw loopback server (byte-level replies).</summary>
    internal static MaiClientOptions LoopbackOptions(LoopbackServer server, TestClock clock, TransportKind transport) => new()
    {
        Model = "gpt-4o",
        ApiKey = TransportTestKit.Key,
        DeploymentName = EmulatorKit.Primary,
        TimeProvider = clock,
        Transport = transport == TransportKind.OpenAIv1 ? MaiTransport.OpenAIv1 : MaiTransport.AzureInference,
        Endpoint = new Uri(server.Endpoint, transport == TransportKind.OpenAIv1 ? "/openai/v1" : "/models"),
    };

    [Theory]
    [InlineData("gpt-4o", 5)]
    [InlineData("MAI-Thinking-1", 5)]
    [InlineData("MAI-Thinking-1", 60)]
    [InlineData("DeepSeek-R1", 90)]
    public async Task Stream_CutAfterChunks_NotRetriedAndTheExceptionHoldsExactlyWhatTheCallerSaw(string model, int afterChunks)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, model, transport: transport));
        emu.Script(EmulatorFault.CutStream(afterChunks), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var error = outcome.Failed<StreamInterruptedException>();
        Assert.Single(emu.Chats());
        Assert.Empty(outcome.Waits);
        Assert.NotEmpty(outcome.Seen);
        Assert.DoesNotContain(outcome.Seen, u => u.Kind is MaiUpdateKind.Completed or MaiUpdateKind.Usage);
        Assert.Equal(outcome.Seen.AnswerText(), error.Text);
        Assert.Equal(outcome.Seen.ReasoningText(), error.ReasoningText);

        // No duplication: what was received is exactly a prefix of the clean answer (reasoning first, then the answer).
        var wire = await emu.ReplayAsync(emu.Chats()[0], EmulatorKit.Guard());
        var clean = Split(wire);
        Assert.StartsWith(error.ReasoningText, clean.Reasoning, StringComparison.Ordinal);
        Assert.StartsWith(error.Text, clean.Answer, StringComparison.Ordinal);
        Assert.True(error.Text.Length == 0 || error.ReasoningText.Length == clean.Reasoning.Length, "answer text arrived before the reasoning was complete");
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, null, "connection_failure", TimeSpan.Zero, TimeSpan.Zero)], error.GetMaiAttempts());
    }

    [Theory]
    [InlineData("503")]
    [InlineData("reset")]
    [InlineData("429;retry-after-ms=10")]
    [InlineData("cut;after=1")]
    public async Task Stream_FailsBeforeFirstChunk_RetriedAndTheCallerSeesTheAnswerExactlyOnce(string fault)
    {
        await using var clean = await EmulatorKit.StartAsync();
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var cleanClient = new MaiClient(EmulatorKit.Options(clean, clock, transport: transport));
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        var expected = (await CallOutcome.RunAsync(cleanClient, clock, streaming: true)).Ok;
        emu.Script(EmulatorFault.Parse(fault), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var result = outcome.Ok;
        Assert.Equal(2, emu.Chats().Count);
        Assert.Equal(expected.Answer, result.Answer);
        Assert.Equal(expected.Reasoning, result.Reasoning);
        Assert.Equal(expected.Answer, outcome.Seen.AnswerText());
        Assert.Equal(expected.Usage, result.Usage);
        Assert.Single(outcome.Seen, u => u.Kind == MaiUpdateKind.Completed);
        Assert.Equal([1, 2], result.Attempts.Select(a => a.Number));
    }

    /// <summary>The reasoning and answer a stream delivers for <paramref name="wire"/>: the whitespace after each tag is dropped,
    /// the line break before <c>&lt;/think&gt;</c> is still reasoning (a stream cannot know a tag follows it).</summary>
    private static (string Reasoning, string Answer) Split(WireAnswer wire)
    {
        const string close = "</think>\n\n";
        var end = wire.Content.IndexOf(close, StringComparison.Ordinal);
        return end < 0
            ? (wire.ReasoningContent, wire.Content)
            : (wire.Content["<think>\n".Length..end], wire.Content[(end + close.Length)..]);
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class StreamingResilienceTestsOnAzureInference() : StreamingResilienceTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class StreamingResilienceTestsOnOpenAIv1() : StreamingResilienceTests(TransportKind.OpenAIv1);
