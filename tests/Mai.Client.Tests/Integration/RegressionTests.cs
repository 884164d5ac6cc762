using Mai.Client.Accounting;
using Mai.Client.Tests.Resilience;
using Mai.Client.Tests.TestSupport;
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

    /// <summary>
    /// Bug: building a <see cref="MaiClient"/> wrote the client's logger factory and clock into the caller's
    /// <see cref="MaiClientOptions.Resilience"/> (the "copy" shared it), so a second client built from the same options with
    /// another logger factory kept logging its retries to the first one's.
    /// </summary>
    [Fact]
    public async Task Client_BuiltTwiceFromOneOptions_EachLogsRetriesToItsOwnLoggerAndTheCallersOptionsStayUntouched()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock);
        var firstLogs = new CapturingLoggerFactory();
        var secondLogs = new CapturingLoggerFactory();
        options.LoggerFactory = firstLogs;
        using var first = new MaiClient(options);
        options.LoggerFactory = secondLogs;
        using var second = new MaiClient(options);

        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(100), RetryAfterHeader.RetryAfterMs), EmulatorFault.None);
        Assert.Equal(2, (await CallOutcome.RunAsync(second, clock, streaming: false)).Ok.Attempts.Count);

        Assert.Contains(secondLogs.Entries, e => e.Category == "Mai.Client.Resilience" && e.Message.Contains("retrying the same deployment", StringComparison.Ordinal));
        Assert.DoesNotContain(firstLogs.Entries, e => e.Category == "Mai.Client.Resilience");
    }
}
