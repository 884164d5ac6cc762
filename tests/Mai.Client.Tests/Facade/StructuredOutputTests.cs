using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Facade;

public class StructuredOutputTests
{
    public sealed record Forecast(string City, int TemperatureC, bool Sunny, string[] Hours);

    [Theory]
    [InlineData("MAI-Thinking-1")]
    [InlineData("DeepSeek-R1")]
    [InlineData("gpt-4o")]
    public async Task AskAsyncOfT_EmulatedModel_AnswerDeserializedAndSchemaSent(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var client = new MaiClient(new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = model });

        var result = await client.AskAsync<Forecast>("Forecast for Paris", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrEmpty(result.Value.City));
        Assert.NotNull(result.Value.Hours);
        Assert.DoesNotContain("<think>", result.Answer);
        Assert.True(result.Usage!.OutputTokenCount > 0);
        var body = Assert.Single(emu.Requests).Body;
        Assert.Contains("\"json_schema\"", body);
        Assert.Contains("temperatureC", body);
    }

    [Fact]
    public async Task AskAsyncOfT_AnswerNotJson_ClearErrorKeepsRawTextAndUsage()
    {
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Sorry, I can't do JSON today."))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 8, TotalTokenCount = 18 },
            }),
        };
        using var client = new MaiClient(inner);

        var ex = await Assert.ThrowsAsync<MaiStructuredOutputException>(() => client.AskAsync<Forecast>("Forecast", cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal("Sorry, I can't do JSON today.", ex.RawText);
        Assert.Equal(typeof(Forecast), ex.TargetType);
        Assert.Contains("is not valid JSON for Forecast", ex.Message);
        Assert.DoesNotContain("Sorry", ex.Message);
        Assert.Equal(8, ex.Result!.Usage!.OutputTokenCount);
    }
}
