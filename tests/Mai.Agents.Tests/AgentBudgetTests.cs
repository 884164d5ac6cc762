using System.Collections.Concurrent;
using Mai.Agents.Tests.TestSupport;
using Mai.Client.Errors;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Mai.Agents.Tests;

/// <summary>A budget stops an agent whose model never stops calling tools: before the next request, with the typed exception, nothing lost.</summary>
public sealed class AgentBudgetTests
{
    [Theory]
    [MemberData(nameof(AgentKit.ApisAndStreaming), MemberType = typeof(AgentKit))]
    public async Task Run_ModelNeverStopsCallingTools_BudgetStopsItBeforeTheNextRequestAndEverySentCallIsAccounted(AgentApi api, bool streaming)
    {
        var guard = AgentKit.Guard();
        var looping = new[] { EmulatedModel.MaiThinking1, EmulatedModel.ClaudeSonnet46 }.Select(m => m with { ToolRounds = int.MaxValue });
        var emulatorOptions = new MaiEmulatorOptions();
        foreach (var model in looping)
        {
            emulatorOptions.Models.Add(model);
        }

        await using var emu = await MaiEmulator.StartAsync(emulatorOptions, guard);
        var sink = new RecordingSink();
        var options = AgentKit.Options(emu, api, new TestClock(), sink);
        options.Budgets.Add(new BudgetLimit { Name = "agent run", Window = BudgetWindow.Total, MaxTokens = 6_000, MaxCost = 1m });
        using var mai = new MaiClient(options);
        var invoked = new ConcurrentQueue<string>();
        var lookup = AIFunctionFactory.Create((string query) => { invoked.Enqueue(query); return "no final answer yet: look it up again"; }, "lookup", "Looks something up");
        var agent = mai.ChatClient.AsAIAgent(instructions: "Research until you are sure.", name: "researcher", tools: [lookup]);
        var context = new MaiCallContext();
        var runOptions = new ChatClientAgentRunOptions(MaiCallContext.Attach(new ChatOptions { MaxOutputTokens = 400 }, context));

        var ex = await Assert.ThrowsAsync<BudgetExceededException>(() => streaming
            ? agent.RunStreamingAsync("Use lookup to find the tallest tower in Lisbon.", options: runOptions, cancellationToken: guard).ToAgentResponseAsync(guard)
            : agent.RunAsync("Use lookup to find the tallest tower in Lisbon.", options: runOptions, cancellationToken: guard));

        var calls = emu.ModelCalls();
        var records = sink.Records;
        Assert.Contains("agent run", ex.Message);
        Assert.Equal(("6000 tokens in total", "tokens"), (ex.Limit, ex.Unit));
        Assert.True(ex.Requested > ex.Remaining, $"refused {ex.Requested} with {ex.Remaining} left");
        Assert.Empty(ex.GetMaiAttempts());                                              // the refused call sent nothing
        Assert.InRange(calls.Count, 3, 39);                                             // it looped, and the budget (not the 40-round limit) stopped it
        Assert.Equal(calls.Count, invoked.Count);                                       // every answer asked for the tool and it ran: the last result was never sent
        Assert.Equal(calls.Count, records.Count);                                       // one record per request that reached the service
        Assert.All(records, r => Assert.Equal((UsageOutcome.Succeeded, UsageSource.Reported), (r.Outcome, r.Source)));
        Assert.Equal(records, context.UsageRecords);
        for (var i = 0; i < calls.Count; i++)
        {
            Assert.Equal(await emu.ReplayUsageAsync(calls[i], guard), (records[i].Usage.InputTokenCount, records[i].Usage.OutputTokenCount));
        }

        var balance = await mai.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("agent run", cancellationToken: guard);
        Assert.Equal(records.Sum(r => r.Usage.InputTokenCount + r.Usage.OutputTokenCount), balance.Tokens);   // settled to exactly what was recorded
        Assert.Equal(records.Sum(r => r.Cost!.Value), balance.Cost);
        Assert.True(balance.Tokens <= 6_000);
    }
}
