using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Facade;

public class ToolCallingTests
{
    [Theory]
    [InlineData("gpt-4o", false)]
    [InlineData("gpt-4o", true)]
    [InlineData("Mistral-small", true)]
    [InlineData("MAI-Thinking-1", true)]
    public async Task UseFunctionInvocation_OverThePipeline_ToolRunsAndEveryRoundTripIsMetered(string model, bool streaming)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var mai = new MaiClient(new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = model });
        var calls = new List<string>();
        var tool = AIFunctionFactory.Create((string city) => { calls.Add(city); return $"{{\"city\":\"{city}\",\"tempC\":21}}"; }, "get_weather", "Gets the weather of a city");
        using var client = new ChatClientBuilder(mai.ChatClient).UseFunctionInvocation().Build();
        var context = new MaiCallContext();
        var options = MaiCallContext.Attach(new ChatOptions { Tools = [tool] }, context);

        var response = streaming
            ? await client.GetStreamingResponseAsync("Use get_weather for Paris", options, TestContext.Current.CancellationToken).ToChatResponseAsync(TestContext.Current.CancellationToken)
            : await client.GetResponseAsync("Use get_weather for Paris", options, TestContext.Current.CancellationToken);

        Assert.Single(calls);
        Assert.Equal(2, emu.Requests.Count);
        Assert.Contains("\"role\":\"tool\"", emu.Requests[1].Body);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.Equal(2, context.UsageRecords.Count);
        Assert.All(context.UsageRecords, r => Assert.True(r.Usage.InputTokenCount > 0));
    }

    [Fact]
    public async Task UseFunctionInvocation_BudgetExhaustedMidLoop_StopsTheRunawayLoopBeforeSending()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var options = new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = "gpt-4o" };
        options.Budgets.Add(new BudgetLimit { Name = "loop", Window = BudgetWindow.Total, MaxTokens = 500 });
        using var mai = new MaiClient(options);
        var tool = AIFunctionFactory.Create((string city) => "sunny", "get_weather", "Gets the weather of a city");
        using var client = new ChatClientBuilder(mai.ChatClient).UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 50).Build();

        // Every round asks for the tool again (required mode is kept by the test's own loop), so only the budget can stop it.
        var sent = 0;
        var ex = await Assert.ThrowsAsync<BudgetExceededException>(async () =>
        {
            List<ChatMessage> history = [new(ChatRole.User, "Use get_weather for Paris")];
            while (true)
            {
                var response = await client.GetResponseAsync(history, new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 50 }, TestContext.Current.CancellationToken);
                sent++;
                history.AddRange(response.Messages);
            }
        });

        Assert.Contains("loop", ex.Message);
        Assert.True(sent > 0);
        Assert.True(emu.Requests.Count >= sent);
    }
}
