using System.Text.Json;
using Azure;
using Mai.Client.Accounting;
using Mai.Client.Reasoning;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Mai.Client.Transport;
using Mai.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Mai.Client.Tests.Integration;

/// <summary>The layers composed with their <see cref="ChatClientBuilder"/> extensions, and M.E.AI middleware over <see cref="MaiClient.ChatClient"/>, over loopback.</summary>
public class BuilderPipelineTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task HandComposedPipeline_429ThenClean_OneRetryBilledTwiceAnswerWithoutTags(bool streaming)
    {
        await using var emu = await EmulatorKit.StartAsync();
        var clock = new TestClock();
        var ledger = new UsageLedger();
        var transport = new AzureInferenceChatClient(new Uri(emu.Endpoint, "/models"), new AzureKeyCredential(emu.ApiKey!), new AzureInferenceChatClientOptions { DefaultModelId = "MAI-Thinking-1" });
        using var client = new ChatClientBuilder(transport)
            .UseMaiBudgets(o => o.Limits.Add(new BudgetLimit { Name = "all", MaxTokens = 100_000, Window = BudgetWindow.Total }))
            .UseMaiResilience()
            .UseMaiMetering("emu", "MAI-Thinking-1", o => o.Ledger = ledger)
            .UseMaiReasoning()
            .Build(new ServiceCollection().AddSingleton<TimeProvider>(clock).BuildServiceProvider()); // every layer takes the clock from the services
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromMilliseconds(150), RetryAfterHeader.RetryAfterMs), EmulatorFault.None);
        var context = new MaiCallContext();
        var options = MaiCallContext.Attach(null, context);

        Task<ChatResponse> call = streaming
            ? client.GetStreamingResponseAsync("Why is the sky blue?", options, EmulatorKit.Guard()).ToChatResponseAsync(EmulatorKit.Guard())
            : client.GetResponseAsync("Why is the sky blue?", options, EmulatorKit.Guard());
        var waits = await clock.DriveAsync(call);
        var response = await call;

        Assert.Equal([TimeSpan.FromMilliseconds(150)], waits);
        Assert.Equal(2, emu.Chats().Count);
        var (reasoning, answer) = (await emu.ReplayAsync(emu.Chats()[1], EmulatorKit.Guard())).Split();
        Assert.Equal(answer, response.Text);
        Assert.Equal(reasoning, string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text)).TrimEnd());
        Assert.Equal([(null, 429, TimeSpan.FromMilliseconds(150)), (null, (int?)200, TimeSpan.Zero)], context.Attempts.Select(a => (a.Deployment, a.Status, a.Wait)));
        Assert.Equal([UsageOutcome.Rejected, UsageOutcome.Succeeded], ledger.GetRecords().Select(r => r.Outcome));
        Assert.Equal(ledger.GetRecords(), context.UsageRecords);
        var balance = await client.GetService<BudgetChatClient>()!.GetBalanceAsync("all", cancellationToken: EmulatorKit.Guard());
        Assert.Equal(ledger.GetTotals().Usage.InputTokenCount + ledger.GetTotals().Usage.OutputTokenCount, balance.Tokens);
    }

    [Fact]
    public async Task FunctionInvocationOverMaiClient_ToolRoundTrip_ResultSentBackAndAnsweredOverLoopback()
    {
        await using var emu = await EmulatorKit.StartAsync(EmulatedModel.Gpt4o);
        var clock = new TestClock();
        using var mai = new MaiClient(EmulatorKit.Options(emu, clock, "gpt-4o"));
        var invoked = new List<string>();
        var weather = AIFunctionFactory.Create(
            (string city) =>
            {
                invoked.Add(city);
                return $"sunny and 21 degrees in {city}";
            },
            "get_weather",
            "Gets the current weather for a city.");
        using var client = new ChatClientBuilder(mai.ChatClient).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync("Please call get_weather for me.", new ChatOptions { Tools = [weather] }, EmulatorKit.Guard());

        var chats = emu.Chats();
        Assert.Equal(2, chats.Count);
        var first = await emu.ReplayAsync(chats[0], EmulatorKit.Guard());
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal([JsonDocument.Parse(call.Arguments).RootElement.GetProperty("city").GetString()!], invoked);

        using var second = JsonDocument.Parse(chats[1].Body);
        var messages = second.RootElement.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant", "tool"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(call.Id, messages[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal(call.Id, messages[2].GetProperty("tool_call_id").GetString());
        Assert.Equal($"sunny and 21 degrees in {invoked[0]}", messages[2].GetProperty("content").GetString());
        Assert.Equal((await emu.ReplayAsync(chats[1], EmulatorKit.Guard())).Content, response.Text);
    }
}
