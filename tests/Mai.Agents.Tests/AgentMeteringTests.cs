using System.Collections.Concurrent;
using Mai.Agents.Tests.TestSupport;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Mai.Agents.Tests;

/// <summary>An Agent Framework agent over <c>MaiClient.ChatClient</c>: every model call of a run, tool rounds and retries included, is metered once, exactly.</summary>
public sealed class AgentMeteringTests
{
    private const string Prompt = "Use get_weather and get_local_time: should I walk to the Lisbon museum now?";

    [Theory]
    [MemberData(nameof(AgentKit.ApisAndStreaming), MemberType = typeof(AgentKit))]
    public async Task Run_ToolRoundAfterARetriedRateLimit_OneUsageRecordPerModelCallWithTheCountsTheServiceReported(AgentApi api, bool streaming)
    {
        var guard = AgentKit.Guard();
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: guard);
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(2), RetryAfterHeader.RetryAfter));
        var clock = new TestClock();
        var sink = new RecordingSink();
        using var mai = new MaiClient(AgentKit.Options(emu, api, clock, sink));
        var invoked = new ConcurrentQueue<string>();
        var agent = mai.ChatClient.AsAIAgent(
            instructions: "You plan walks. Check the weather and the local time before answering.",
            name: "walk-planner",
            tools: [Weather(invoked), LocalTime(invoked)]);
        var context = new MaiCallContext();
        var runOptions = new ChatClientAgentRunOptions(MaiCallContext.Attach(new ChatOptions { Reasoning = new() { Effort = ReasoningEffort.Low } }, context));

        var run = streaming
            ? agent.RunStreamingAsync(Prompt, options: runOptions, cancellationToken: guard).ToAgentResponseAsync(guard)
            : agent.RunAsync(Prompt, options: runOptions, cancellationToken: guard);
        var waits = await clock.DriveAsync(run);
        var response = await run;

        var calls = emu.ModelCalls();
        Assert.Equal([TimeSpan.FromSeconds(2)], waits);                                 // the 429's wait, honoured once
        Assert.Equal(3, calls.Count);                                                   // 429, the tool round, the answer
        Assert.Equal(["get_local_time", "get_weather"], invoked.Order());               // both tools ran, once each
        var records = sink.Records;
        Assert.Equal(calls.Count, records.Count);                                       // one record per model call
        Assert.Equal(records, context.UsageRecords);                                    // and the run's context holds the same ones
        Assert.Equal((UsageOutcome.Rejected, 429, 0L), (records[0].Outcome, records[0].Status, records[0].Usage.TotalTokenCount));
        for (var i = 1; i < calls.Count; i++)
        {
            var reported = await emu.ReplayUsageAsync(calls[i], guard);
            Assert.Equal((UsageOutcome.Succeeded, UsageSource.Reported), (records[i].Outcome, records[i].Source));
            Assert.Equal(reported, (records[i].Usage.InputTokenCount, records[i].Usage.OutputTokenCount));
            Assert.NotNull(records[i].Cost);
        }

        Assert.Equal(records.Sum(r => r.Usage.InputTokenCount), response.Usage!.InputTokenCount);   // the agent's own sum agrees
        Assert.Equal(records.Sum(r => r.Usage.OutputTokenCount), response.Usage.OutputTokenCount);
        Assert.Contains("get_weather", calls[2].Body);                                  // the tool results went back
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.DoesNotContain("<think>", response.Text);                                // the reasoning is kept apart
        var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.False(string.IsNullOrWhiteSpace(reasoning));
        Assert.DoesNotContain(reasoning.Trim(), response.Text);
    }

    [Fact]
    public async Task Run_PrimaryFailsMidRun_FailsOverToClaudeOnTheMessagesApiAndEveryAttemptHasItsRecord()
    {
        var guard = AgentKit.Guard();
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: guard);
        emu.Script(EmulatorFault.None, EmulatorFault.HttpError(503), EmulatorFault.HttpError(503));
        var clock = new TestClock();
        var sink = new RecordingSink();
        var options = AgentKit.Options(emu, AgentApi.AzureInference, clock, sink);
        options.Fallbacks.Add(new MaiDeployment { Name = "claude", Endpoint = emu.AnthropicEndpoint, Model = "claude-sonnet-4-6", ApiKey = emu.ApiKey });
        using var mai = new MaiClient(options);
        var invoked = new ConcurrentQueue<string>();
        var agent = mai.ChatClient.AsAIAgent(instructions: "You plan walks.", name: "walk-planner", tools: [Weather(invoked), LocalTime(invoked)]);
        var context = new MaiCallContext();

        var run = agent.RunAsync(Prompt, options: new ChatClientAgentRunOptions(MaiCallContext.Attach(null, context)), cancellationToken: guard);
        await clock.DriveAsync(run);
        var response = await run;

        var calls = emu.ModelCalls();
        Assert.Equal(
            ["/models/chat/completions", "/models/chat/completions", "/models/chat/completions", "/anthropic/v1/messages"],
            calls.Select(c => c.PathAndQuery.Split('?')[0]));
        var records = sink.Records;
        Assert.Equal(
            [("primary", UsageOutcome.Succeeded, (int?)null), ("primary", UsageOutcome.Rejected, 503), ("primary", UsageOutcome.Rejected, 503), ("claude", UsageOutcome.Succeeded, null)],
            records.Select(r => (r.Deployment, r.Outcome, r.Status)));
        Assert.Equal(records, context.UsageRecords);
        Assert.Equal(await emu.ReplayUsageAsync(calls[3], guard), (records[3].Usage.InputTokenCount, records[3].Usage.OutputTokenCount));
        Assert.Equal("claude-sonnet-4-6", records[3].Model);
        Assert.True(records[3].Cost > 0m);                                              // Claude's shipped price
        Assert.Equal(4, context.Attempts.Count);
        Assert.Contains("tool_result", calls[3].Body);                                  // Claude got the tool round of MAI-Thinking-1
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
    }

    internal static AIFunction Weather(ConcurrentQueue<string> invoked) => AIFunctionFactory.Create(
        (string city) => { invoked.Enqueue("get_weather"); return new { city, temperatureC = 19, sky = "light rain until 15:00" }; },
        "get_weather",
        "Gets the current weather of a city");

    internal static AIFunction LocalTime(ConcurrentQueue<string> invoked) => AIFunctionFactory.Create(
        (string city) => { invoked.Enqueue("get_local_time"); return new { city, time = "14:10" }; },
        "get_local_time",
        "Gets the local time in a city");
}
