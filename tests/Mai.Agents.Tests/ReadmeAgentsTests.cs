using Mai.Agents.Tests.TestSupport;
using Mai.Client;
using Mai.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

namespace Mai.Agents.Tests;

/// <summary>The README's Agents snippet, run as written against the emulator (Mai.Packaging.Tests compiles it as pasted).</summary>
public sealed class ReadmeAgentsTests
{
    [Fact]
    public async Task AgentsSnippet_RunsAsWritten_TheRunHasOneRecordPerModelCallAndTheAnswerApartFromTheReasoning()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: AgentKit.Guard());
        using var client = new MaiClient(new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = "MAI-Thinking-1" });

        var getWeather = AIFunctionFactory.Create((string city) => new { city, temperatureC = 19 }, "get_weather", "Gets the weather of a city");
        AIAgent agent = client.ChatClient.AsAIAgent(instructions: "You plan walks.", name: "walk-planner", tools: [getWeather]);

        var run = new MaiCallContext();
        var response = await agent.RunAsync("Use get_weather: can I walk in Lisbon now?",
            options: new ChatClientAgentRunOptions(MaiCallContext.Attach(null, run)), cancellationToken: AgentKit.Guard());

        Assert.Equal(2, emu.ModelCalls().Count);                    // the tool round and the answer
        Assert.Equal(2, run.UsageRecords.Count);
        Assert.StartsWith("Based on the get_weather result", response.Text);
        Assert.DoesNotContain("<think>", response.Text);
        Assert.NotEmpty(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
    }
}
