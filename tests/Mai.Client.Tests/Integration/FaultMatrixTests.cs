using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>Every fault of the emulator's script, over loopback through <see cref="MaiClient"/>, streamed and not.</summary>
public abstract class FaultMatrixTests(TransportKind transport)
{
    /// <summary>Retryable faults followed by a clean answer: fault, status, reason, server wait in ms (-1: the client's back-off).</summary>
    public static TheoryData<string, int?, string, int, bool> Retried => new()
    {
        { "429;retry-after=1", 429, "429", 1000, false },
        { "429;retry-after=1", 429, "429", 1000, true },
        { "429;retry-after-ms=200", 429, "429", 200, false },
        { "429;retry-after-ms=200", 429, "429", 200, true },
        { "429;x-ms-retry-after-ms=300", 429, "429", 300, false },
        { "429;x-ms-retry-after-ms=300", 429, "429", 300, true },
        { "500", 500, "InternalServerError", -1, false },
        { "500", 500, "InternalServerError", -1, true },
        { "503", 503, "ServiceUnavailable", -1, false },
        { "503", 503, "ServiceUnavailable", -1, true },
        { "408", 408, "Timeout", -1, false },
        { "408", 408, "Timeout", -1, true },
        { "reset", null, "connection_failure", -1, false },
        { "reset", null, "connection_failure", -1, true },
        { "cut;after=1", null, "connection_failure", -1, true },
        { "cut;after=1", null, "connection_failure", -1, false },
        { "truncate;after=1", 200, "stream_truncated", -1, true },
    };

    [Theory]
    [MemberData(nameof(Retried))]
    public async Task Call_TransientFaultThenClean_RetriedOnceAndAnsweredLikeACleanCall(string fault, int? status, string reason, int serverWaitMs, bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        emu.Script(EmulatorFault.Parse(fault), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var result = outcome.Ok;
        Assert.Equal(2, emu.Chats().Count);
        var wait = Assert.Single(outcome.Waits);
        if (serverWaitMs >= 0)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(serverWaitMs), wait);
        }

        Assert.Equal(
            [
                new MaiAttempt(1, EmulatorKit.Primary, status, reason, TimeSpan.FromMilliseconds(Math.Floor(wait.TotalMilliseconds)), TimeSpan.Zero),
                new MaiAttempt(2, EmulatorKit.Primary, 200, "ok", TimeSpan.Zero, TimeSpan.Zero),
            ],
            result.Attempts);

        var wire = await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard());
        Assert.Equal(wire.Content[(wire.Content.IndexOf("</think>\n\n", StringComparison.Ordinal) + 10)..], result.Answer);
        if (streaming)
        {
            Assert.Equal(result.Answer, outcome.Seen.AnswerText());
        }

        // Billing: an error status is a zero-token rejection; a reset never reached the service; a 200 cut before any
        // update reached the model, so it is a failed attempt billed at the estimated prompt; the success is billed as reported.
        var prompt = TokenEstimator.Default.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        var first = fault switch
        {
            "reset" => null,
            _ when status is 200 or null => new { Outcome = UsageOutcome.Failed, Usage = new MaiUsage(prompt, 0, 0, 0, prompt, isEstimated: true) },
            _ => new { Outcome = UsageOutcome.Rejected, Usage = MaiUsage.Zero },
        };
        var records = result.UsageRecords.ToList();
        if (first is not null)
        {
            Assert.Equal((first.Outcome, first.Usage), (records[0].Outcome, records[0].Usage));
            records.RemoveAt(0);
        }

        var success = Assert.Single(records);
        Assert.Equal(UsageOutcome.Succeeded, success.Outcome);
        Assert.Equal(new MaiUsage(wire.Usage!.PromptTokens, wire.Usage.CompletionTokens, wire.Usage.ReasoningTokens, 0, wire.Usage.TotalTokens, false), success.Usage);
        Assert.Equal(success.Usage, result.Usage);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ContentFilter_AttemptedOnceWithCategories(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        emu.Script(EmulatorFault.ContentFilter(), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<ContentFilterException>();
        Assert.Single(emu.Chats());
        Assert.Empty(outcome.Waits);
        Assert.Equal(400, error.Status);
        Assert.Equal("content_filter", error.ErrorCode);
        Assert.Equal("ResponsibleAIPolicyViolation", error.InnerErrorCode);
        Assert.Equal(new ContentFilterCategoryResult(true, "medium", null), error.Categories["self_harm"]);
        Assert.Equal(new ContentFilterCategoryResult(false, null, false), error.Categories["jailbreak"]);
        Assert.Equal(5, error.Categories.Count);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 400, "content_filter", TimeSpan.Zero, TimeSpan.Zero)], outcome.Attempts);
        Assert.Empty(outcome.Seen);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ContextLength_AttemptedOnce(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        emu.Script(EmulatorFault.ContextLengthExceeded(), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<MaiServiceException>();
        Assert.Single(emu.Chats());
        Assert.Empty(outcome.Waits);
        Assert.Equal(400, error.Status);
        Assert.Equal("context_length_exceeded", error.ErrorCode);
        Assert.Equal("messages", error.Param);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 400, "context_length_exceeded", TimeSpan.Zero, TimeSpan.Zero)], outcome.Attempts);
    }

    [Theory]
    [InlineData("malformed", false)]
    [InlineData("malformed", true)]
    [InlineData("truncate;after=2", false)]
    public async Task Call_MalformedBody_AttemptedOnceAsInvalidResponse(string fault, bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, transport: transport));
        emu.Script(EmulatorFault.Parse(fault), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming);

        var error = outcome.Failed<MaiServiceException>();
        Assert.Single(emu.Chats());
        Assert.Equal(200, error.Status);
        Assert.Equal("invalid_response", error.ErrorCode);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, 200, "invalid_response", TimeSpan.Zero, TimeSpan.Zero)], outcome.Attempts);
    }

    [Theory]
    [InlineData("cut;after=5", typeof(MaiServiceException), null, "connection_failure")] // code connection_failure, the IOException inside
    [InlineData("truncate;after=5", typeof(StreamTruncatedException), 200, "stream_truncated")]
    [InlineData("malformed;after=5", typeof(MaiServiceException), 200, "invalid_response")]
    public async Task Stream_FaultAfterOutput_NotRetriedAndInterruptedWithWhatTheCallerSaw(string fault, Type inner, int? status, string reason)
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o);
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock, "gpt-4o", transport: transport));
        emu.Script(EmulatorFault.Parse(fault), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var error = outcome.Failed<StreamInterruptedException>();
        Assert.Single(emu.Chats());
        Assert.Empty(outcome.Waits);
        Assert.IsAssignableFrom(inner, error.InnerException);
        Assert.Equal(4, outcome.Seen.Count); // chunks 2-5 carry one token each; the role chunk carries none
        Assert.Equal(outcome.Seen.AnswerText(), error.Text);
        Assert.Equal(string.Empty, error.ReasoningText);
        Assert.Equal(EmulatorKit.Primary, error.Deployment);
        var wire = await emu.ReplayAsync(emu.Chats()[0], EmulatorKit.Guard());
        Assert.StartsWith(error.Text, wire.Content, StringComparison.Ordinal);
        Assert.Equal([new MaiAttempt(1, EmulatorKit.Primary, status, reason, TimeSpan.Zero, TimeSpan.Zero)], error.GetMaiAttempts());
    }
}

/// <summary>The suite over the Azure.AI.Inference transport.</summary>
public sealed class FaultMatrixTestsOnAzureInference() : FaultMatrixTests(TransportKind.AzureInference);

/// <summary>The suite over the OpenAI v1 transport.</summary>
public sealed class FaultMatrixTestsOnOpenAIV1() : FaultMatrixTests(TransportKind.OpenAIV1);
