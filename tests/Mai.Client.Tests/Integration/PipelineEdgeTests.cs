using Mai.Client.Accounting;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>Where the layers meet over loopback: abandoned streams, deadlines against server waits, time to first token, budgets settling failed streams.</summary>
public class PipelineEdgeTests
{
    private static readonly TokenEstimator Tokens = TokenEstimator.Default;

    [Fact]
    public async Task Stream_CallerStopsAfterFiveUpdates_RecordedOnceAsAbandonedAndTheBudgetSettlesToIt()
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o);
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, "gpt-4o");
        options.Ledger = ledger;
        options.Budgets.Add(new BudgetLimit { Name = "all", MaxTokens = 10_000, Window = BudgetWindow.Total });
        using var client = new MaiClient(options);
        var seen = new List<MaiUpdate>();

        await foreach (var update in client.StreamAsync("Why is the sky blue?", new ChatOptions { MaxOutputTokens = 500 }, EmulatorKit.Guard()))
        {
            seen.Add(update);
            if (seen.Count == 5)
            {
                break;
            }
        }

        var record = Assert.Single(ledger.GetRecords());
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        var output = Tokens.CountTokens(seen.AnswerText());
        Assert.Equal(UsageOutcome.Abandoned, record.Outcome);
        Assert.Equal(new MaiUsage(prompt, output, 0, 0, prompt + output, IsEstimated: true), record.Usage);
        var balance = await client.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("all", cancellationToken: EmulatorKit.Guard());
        Assert.Equal(prompt + output, balance.Tokens);
        Assert.Single(emu.Chats());
    }

    [Fact]
    public async Task Stream_CutMidway_TheBudgetSettlesToTheBilledEstimate()
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o);
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock, "gpt-4o");
        options.Budgets.Add(new BudgetLimit { Name = "all", MaxTokens = 10_000, Window = BudgetWindow.Total });
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.CutStream(afterChunks: 8));

        var outcome = await CallOutcome.RunAsync(client, clock, streaming: true, options: new ChatOptions { MaxOutputTokens = 500 });

        var error = outcome.Failed<StreamInterruptedException>();
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        var balance = await client.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("all", cancellationToken: EmulatorKit.Guard());
        Assert.Equal(prompt + Tokens.CountTokens(error.Text), balance.Tokens);
        Assert.Equal(7, Tokens.CountTokens(error.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Call_ServerWaitLongerThanTheTimeLeft_FailsAtOnceNamingTheDeadline(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(emu, clock);
        options.Resilience.TotalTimeout = TimeSpan.FromSeconds(20);
        using var client = new MaiClient(options);
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(30)), EmulatorFault.None);

        // The 20 s deadline is a timer too: only retry waits (none expected) are advanced.
        var outcome = await CallOutcome.RunAsync(client, clock, streaming, advance: due => due < TimeSpan.FromSeconds(20));

        var error = outcome.Failed<RetryAfterTooLongException>();
        Assert.Empty(outcome.Waits);
        Assert.Single(emu.Chats());
        Assert.Equal(TimeSpan.Zero, clock.Elapsed);
        Assert.Contains("the time left before TotalTimeout (20 s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
    }

    [Fact]
    public async Task Stream_AfterTwoThrottledAttempts_TimeToFirstTokenIncludesTheWaits()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        using var client = new MaiClient(EmulatorKit.Options(emu, clock));
        emu.Script(
            EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(300), RetryAfterHeader.XMsRetryAfterMs),
            EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(450), RetryAfterHeader.RetryAfterMs),
            EmulatorFault.None);

        var result = (await CallOutcome.RunAsync(client, clock, streaming: true)).Ok;

        Assert.Equal(TimeSpan.FromMilliseconds(750), result.TimeToFirstToken);
        Assert.Equal(TimeSpan.FromMilliseconds(750), result.Duration);
        Assert.Equal([TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(450), TimeSpan.Zero], result.Attempts.Select(a => a.Wait));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Stream_CumulativeUsageOnEveryChunk_TheLastOneWinsOnce(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.DeepSeekR1 with { Name = "vllm-r1", StreamUsage = UsagePlacement.EveryChunk });
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var options = EmulatorKit.Options(emu, clock, "vllm-r1");
        options.Ledger = ledger;
        using var client = new MaiClient(options);

        var result = (await CallOutcome.RunAsync(client, clock, streaming)).Ok;

        var wire = (await emu.ReplayAsync(emu.Chats()[0], EmulatorKit.Guard())).Usage!;
        var expected = new MaiUsage(wire.PromptTokens, wire.CompletionTokens, wire.ReasoningTokens, 0, wire.TotalTokens, IsEstimated: false);
        Assert.Equal(expected, result.Usage);
        Assert.Equal(expected, Assert.Single(ledger.GetRecords()).Usage);
    }

    [Fact]
    public async Task Call_FailoverBetweenPricedDeployments_CostIsTheSumOfBilledAttempts()
    {
        await using var primary = await EmulatorKit.StartAsync();
        await using var secondary = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var options = EmulatorKit.Options(primary, clock, "gpt-4o").WithFallback(secondary);
        options.Resilience.MaxAttemptsPerDeployment = 1;
        using var client = new MaiClient(options);
        primary.Script(EmulatorFault.CutStream(afterChunks: 1));

        var result = (await CallOutcome.RunAsync(client, clock, streaming: true)).Ok;

        var wire = (await secondary.ReplayAsync(secondary.Chats()[0], EmulatorKit.Guard())).Usage!;
        var prompt = Tokens.EstimatePromptTokens([new ChatMessage(ChatRole.User, "Why is the sky blue?")]);
        Assert.Equal([UsageOutcome.Failed, UsageOutcome.Succeeded], result.UsageRecords.Select(r => r.Outcome));
        Assert.Equal([EmulatorKit.Primary, EmulatorKit.Secondary], result.UsageRecords.Select(r => r.Deployment));
        var cost = ((prompt * 2.50m) / 1_000_000m) + (((wire.PromptTokens * 2.50m) + (wire.CompletionTokens * 10.00m)) / 1_000_000m);
        Assert.Equal(cost, result.Cost);
    }
}
