// An agent built with Microsoft Agent Framework (Microsoft.Agents.AI) over MaiClient.ChatClient: every model call of a run, tool
// rounds included, goes through Mai.Client's budgets, retries, failover, metering and reasoning split. Three runs on the embedded
// emulator (offline): MAI-Thinking-1 with Claude as its fallback while the emulator fails the primary; Claude on the Messages API,
// streamed with its thinking apart; a model that never stops calling tools, stopped by a budget before its next request.
// Against Foundry, set Endpoint/ApiKey to your resource (…/models for MAI-Thinking-1, …/anthropic for Claude).
using System.ComponentModel;
using Mai.Client.Errors;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

await using var emulator = await MaiEmulator.StartAsync();
Console.WriteLine($"Mai.Samples.Agent: Microsoft Agent Framework over Mai.Client, on the embedded emulator ({emulator.Endpoint})");

// An example price for MAI-Thinking-1 (the shipped table has none); Claude's prices ship with the library.
var prices = new PriceTable(new PriceTableOptions
{
    Models = { ["MAI-Thinking-1"] = new ModelPrice { InputPerMillion = 1.25m, OutputPerMillion = 5.00m, Source = "example price for this sample" } },
});

AITool[] tools =
[
    AIFunctionFactory.Create(([Description("The city")] string city) => Tool("get_weather", new { city, temperatureC = 19, sky = "light rain until 15:00" }), "get_weather", "Gets the current weather of a city"),
    AIFunctionFactory.Create(([Description("The city")] string city) => Tool("get_local_time", new { city, time = "14:10" }), "get_local_time", "Gets the local time in a city"),
    AIFunctionFactory.Create(([Description("The museum")] string museum) => Tool("get_opening_hours", new { museum, open = "10:00", close = "18:00" }), "get_opening_hours", "Gets a museum's opening hours"),
];
const string Question = "Use get_weather, get_local_time and get_opening_hours: can I still walk to the Gulbenkian museum in Lisbon today?";

// Run 1: MAI-Thinking-1 on chat completions, Claude on the Messages API as its fallback. The emulator's fault script answers the
// primary's first request with 429 (retry-after 200 ms) and the retry with 503: the call fails over to Claude within the run.
var options = new MaiClientOptions { Endpoint = new Uri(emulator.Endpoint, "/models"), ApiKey = emulator.ApiKey, Model = "MAI-Thinking-1", DeploymentName = "mai-primary", Prices = prices };
options.Fallbacks.Add(new MaiDeployment { Name = "claude-fallback", Endpoint = emulator.AnthropicEndpoint, Model = "claude-sonnet-4-6", ApiKey = emulator.ApiKey });
options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(100);
using (var mai = new MaiClient(options))
{
    Console.WriteLine();
    Console.WriteLine("== Run 1: MAI-Thinking-1, Claude as fallback; the emulator answers 429, then 503 on the primary");
    emulator.Script(EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(200), RetryAfterHeader.RetryAfterMs), EmulatorFault.HttpError(503));
    AIAgent agent = mai.ChatClient.AsAIAgent(instructions: "You plan walks in Lisbon. Check the weather, the time and the opening hours first.", name: "walk-planner", tools: tools);
    var run = NewRun();
    AgentResponse response = await agent.RunAsync(Question, options: new ChatClientAgentRunOptions(MaiCallContext.Attach(null, run)));
    Print(response);
    PrintUsage(run);
}

// Run 2: Claude as the primary, on the Messages API (chosen from the /anthropic path), thinking on, streamed: thinking and answer
// arrive as separate contents.
using (var claude = new MaiClient(new MaiClientOptions { Endpoint = emulator.AnthropicEndpoint, ApiKey = emulator.ApiKey, Model = "claude-sonnet-4-6", DeploymentName = "claude" }))
{
    Console.WriteLine();
    Console.WriteLine("== Run 2: claude-sonnet-4-6 on the Messages API, thinking on, streamed");
    AIAgent agent = claude.ChatClient.AsAIAgent(instructions: "You plan walks in Lisbon.", name: "walk-planner", tools: tools);
    var run = NewRun();
    var chatOptions = MaiCallContext.Attach(new ChatOptions { Reasoning = new() { Effort = ReasoningEffort.Low } }, run);
    var thinking = new System.Text.StringBuilder();
    var answer = new System.Text.StringBuilder();
    await foreach (AgentResponseUpdate update in agent.RunStreamingAsync(Question, options: new ChatClientAgentRunOptions(chatOptions)))
    {
        thinking.AppendJoin(null, update.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
        answer.Append(update.Text); // the answer only: thinking is TextReasoningContent, never part of Text
    }

    Console.WriteLine($"reasoning: {Shorten(thinking.ToString())} ({thinking.Length} characters, streamed apart)");
    Console.WriteLine($"answer:    {Shorten(answer.ToString())}");
    PrintUsage(run);
}

// Run 3: a model stuck in a loop (the emulator's EmulatedModel.ToolRounds = int.MaxValue: it asks for a tool after every tool
// result). Agent Framework would go on until its 40-round limit; a 4,000-token budget refuses the next request before it is sent.
await using (var looping = await MaiEmulator.StartAsync(new MaiEmulatorOptions { Models = { EmulatedModel.MaiThinking1 with { ToolRounds = int.MaxValue } } }))
{
    Console.WriteLine();
    Console.WriteLine("== Run 3: a model that never stops calling tools, under a 4,000-token budget");
    var budgeted = new MaiClientOptions { Endpoint = new Uri(looping.Endpoint, "/models"), ApiKey = looping.ApiKey, Model = "MAI-Thinking-1", DeploymentName = "mai-looping", Prices = prices };
    budgeted.Budgets.Add(new BudgetLimit { Name = "agent run", Window = BudgetWindow.Total, MaxTokens = 4_000 });
    using var mai = new MaiClient(budgeted);
    var lookups = 0;
    var lookup = AIFunctionFactory.Create((string query) => Tool("lookup", $"result {++lookups}: not sure yet, look it up again"), "lookup", "Looks something up");
    AIAgent agent = mai.ChatClient.AsAIAgent(instructions: "Research until you are sure.", name: "researcher", tools: [lookup]);
    var run = NewRun();
    try
    {
        await agent.RunAsync("Use lookup to find the tallest tower in Lisbon.", options: new ChatClientAgentRunOptions(MaiCallContext.Attach(new ChatOptions { MaxOutputTokens = 400 }, run)));
        Console.WriteLine("the loop ended without the budget: unexpected");
        return 1;
    }
    catch (BudgetExceededException ex)
    {
        var sent = looping.Requests.Count(r => r.Method == "POST");
        var balance = await mai.ChatClient.GetService<BudgetChatClient>()!.GetBalanceAsync("agent run");
        var recorded = run.UsageRecords.Sum(r => r.Usage.InputTokenCount + r.Usage.OutputTokenCount);
        Console.WriteLine($"stopped:   BudgetExceededException before request {sent + 1} was sent: {ex.Message}");
        Console.WriteLine($"budget:    {balance.Tokens:N0} of 4,000 tokens spent = the {run.UsageRecords.Count} usage records' {recorded:N0} tokens; {sent} requests reached the emulator, {lookups} tool results");
        PrintUsage(run);
    }
}

return 0;

static string Tool(string name, object result)
{
    Console.WriteLine($"tool:      {name} → {result}");
    return System.Text.Json.JsonSerializer.Serialize(result);
}

// One MaiCallContext per agent run: every model call of the run (tool rounds, retries, failover) reports its attempts and
// usage records to it.
static MaiCallContext NewRun() => new()
{
    AttemptObserver = a => Console.WriteLine(a.Status is null or 200
        ? $"attempt:   {a.Deployment}: ok"
        : $"attempt:   {a.Deployment}: HTTP {a.Status} ({a.Reason}); waited {a.Wait.TotalMilliseconds:N0} ms, then {(a.Wait > TimeSpan.Zero ? "retried" : "failed over")}"),
};

static void Print(AgentResponse response)
{
    var reasoning = string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
    Console.WriteLine($"reasoning: {Shorten(reasoning)}");
    Console.WriteLine($"answer:    {Shorten(response.Text)}");
}

static void PrintUsage(MaiCallContext run)
{
    var records = run.UsageRecords;
    foreach (var r in records)
    {
        Console.WriteLine($"  call:    {r.Deployment,-28} {r.Model,-18} {r.Outcome,-9}{(r.Status is { } s ? $" HTTP {s}" : ""),-9} in {r.Usage.InputTokenCount,5} out {r.Usage.OutputTokenCount,4} (reasoning {r.Usage.ReasoningTokenCount,3})  cost {r.Cost?.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} {r.Currency}");
    }

    var cost = records.All(r => r.Cost is not null) ? records.Sum(r => r.Cost!.Value).ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
    Console.WriteLine($"usage:     {records.Count} model calls ({records.Count(r => r.Outcome == UsageOutcome.Succeeded)} answered), input {records.Sum(r => r.Usage.InputTokenCount):N0}, output {records.Sum(r => r.Usage.OutputTokenCount):N0} (reasoning {records.Sum(r => r.Usage.ReasoningTokenCount):N0}) tokens, cost {cost} USD");
}

static string Shorten(string text)
{
    text = text.ReplaceLineEndings(" ").Trim();
    return text.Length <= 110 ? text : text[..110] + "…";
}
