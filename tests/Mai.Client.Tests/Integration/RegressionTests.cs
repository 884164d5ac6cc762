using Mai.Client.Accounting;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>One test per bug the loopback suites found in src/, named after what broke.</summary>
public class RegressionTests
{
    /// <summary>
    /// Bug: a stream the server closed cleanly (no <c>[DONE]</c>, no finish reason) before any update reached the caller was
    /// treated as permanent (its 200 is not a retryable status), while the same failure as a reset was retried.
    /// </summary>
    [Fact]
    public async Task Stream_TruncatedBeforeFirstUpdate_IsRetriedLikeAReset()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock));
        emu.Script(EmulatorFault.TruncateStream(afterChunks: 1), EmulatorFault.None);

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true);

        var result = outcome.Ok;
        Assert.Equal(2, emu.Chats().Count);
        Assert.Equal([200, 200], result.Attempts.Select(a => a.Status));
        Assert.Equal(["stream_truncated", "ok"], result.Attempts.Select(a => a.Reason));
        var wire = await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard());
        Assert.EndsWith(result.Answer, wire.Content, StringComparison.Ordinal);
        Assert.Equal(result.Answer, outcome.Seen.AnswerText());
    }

    /// <summary>
    /// Bug: <see cref="TokenEstimator.EstimatePromptTokens"/> left out each message's role, so every estimate was one token
    /// per message below what the service (and the emulator) count, and a budget reservation could be overspent.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Estimate_PromptTokens_EqualTheServicesCountRolesIncluded(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock));
        ChatMessage[] messages =
        [
            new(ChatRole.System, "You are a careful physicist."),
            new(ChatRole.User, "Why is the sky blue?"),
            new(ChatRole.Assistant, "Rayleigh scattering."),
            new(ChatRole.User, "And why are sunsets red?"),
        ];

        var result = streaming
            ? (await client.StreamAsync(messages, cancellationToken: EmulatorKit.Guard()).ToListAsync(EmulatorKit.Guard()))[^1].Result!
            : await client.AskAsync(messages, cancellationToken: EmulatorKit.Guard());

        var reported = (await emu.ReplayAsync(emu.Chats()[0], EmulatorKit.Guard())).Usage!.PromptTokens;
        Assert.Equal(reported, result.Usage!.InputTokenCount);
        Assert.Equal(reported, TokenEstimator.Default.EstimatePromptTokens(messages));
    }
}
