using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Generation;

/// <summary>How many rounds of tool calls a model makes in one turn before it answers from the results (a multi-step or runaway agent).</summary>
public sealed class ToolRoundsTests
{
    private const string Tools = ""","tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}]""";

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(1, 1, false)]
    [InlineData(3, 2, true)]
    [InlineData(3, 3, false)]
    [InlineData(int.MaxValue, 25, true)]
    public async Task ToolRounds_AfterThisManyToolRoundsInTheTurn_CallsAToolOnlyWhileRoundsRemain(int toolRounds, int roundsSoFar, bool expectCall)
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", ToolRounds = toolRounds } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Body(roundsSoFar));

        Assert.Equal(200, (int)response.StatusCode);
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal(expectCall, choice.GetProperty("message").TryGetProperty("tool_calls", out var calls));
        Assert.Equal(expectCall ? "tool_calls" : "stop", choice.GetProperty("finish_reason").GetString());
        if (expectCall)
        {
            Assert.Equal("lookup", calls[0].GetProperty("function").GetProperty("name").GetString());
        }
        else
        {
            Assert.StartsWith("Based on the lookup result", choice.GetProperty("message").GetProperty("content").GetString());
        }
    }

    [Fact]
    public async Task ToolRounds_RoundsOfAnEarlierTurnDoNotCount()
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", ToolRounds = 2 } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        // Two rounds in the first turn, then a new user message: the new turn starts from zero rounds.
        var earlier = Messages(2).Replace("\"Use lookup for otters\"", "\"Use lookup for seals\"", StringComparison.Ordinal);
        var body = $$"""{"model":"m","messages":[{{earlier}},{"role":"assistant","content":"Seals."},{"role":"user","content":"Use lookup for otters"}]{{Tools}}}""";

        var (_, json) = await Raw.PostJsonAsync(emu, body);

        Assert.True(json.RootElement.GetProperty("choices")[0].GetProperty("message").TryGetProperty("tool_calls", out _));
    }

    [Fact]
    public async Task ToolRounds_BelowOne_IsRefusedAtStartNamingTheProperty()
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", ToolRounds = 0 } } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => MaiEmulator.StartAsync(options, Clients.Deadline()));

        Assert.Equal("EmulatedModel 'm': ToolRounds has an invalid value 0. (Parameter 'ToolRounds')", ex.Message);
    }

    [Fact]
    public void ToolRounds_DefaultsToOneRound() => Assert.Equal(1, new EmulatedModel { Name = "m" }.ToolRounds);

    /// <summary>A chat-completions body: the user names the tool, then <paramref name="rounds"/> rounds of call and result.</summary>
    private static string Body(int rounds) => $$"""{"model":"m","messages":[{{Messages(rounds)}}]{{Tools}}}""";

    private static string Messages(int rounds)
    {
        var messages = new List<string> { """{"role":"user","content":"Use lookup for otters"}""" };
        for (var i = 0; i < rounds; i++)
        {
            messages.Add($$$"""{"role":"assistant","content":null,"tool_calls":[{"id":"call_{{{i}}}","type":"function","function":{"name":"lookup","arguments":"{\"q\":\"otters\"}"}}]}""");
            messages.Add($$"""{"role":"tool","tool_call_id":"call_{{i}}","content":{{JsonSerializer.Serialize($"result {i}")}}}""");
        }

        return string.Join(',', messages);
    }
}
