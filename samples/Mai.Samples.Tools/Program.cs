// Tool calling over the Mai pipeline: M.E.AI's UseFunctionInvocation runs the tool, every round trip is retried,
// metered and budgeted by Mai.Client. Runs on the embedded emulator; set AZURE_AI_CHAT_ENDPOINT/KEY/MODEL for a real one.
using System.ComponentModel;
using Mai.Client;
using Mai.Emulator;
using Microsoft.Extensions.AI;

await using var emulator = Environment.GetEnvironmentVariable("AZURE_AI_CHAT_ENDPOINT") is null ? await MaiEmulator.StartAsync() : null;
using var mai = new MaiClient(new MaiClientOptions
{
    Endpoint = emulator?.Endpoint ?? new Uri(Environment.GetEnvironmentVariable("AZURE_AI_CHAT_ENDPOINT")!),
    ApiKey = emulator?.ApiKey ?? Environment.GetEnvironmentVariable("AZURE_AI_CHAT_KEY"),
    Model = Environment.GetEnvironmentVariable("AZURE_AI_CHAT_MODEL") ?? "gpt-4o",
});

var getWeather = AIFunctionFactory.Create(
    ([Description("The city")] string city) => new { city, temperatureC = 21, sky = "clear" },
    "get_weather",
    "Gets the current weather of a city");

using var client = new ChatClientBuilder(mai.ChatClient).UseFunctionInvocation().Build();
var context = new MaiCallContext();
var response = await client.GetResponseAsync(
    "Use get_weather: what's the weather in Paris?",
    MaiCallContext.Attach(new ChatOptions { Tools = [getWeather] }, context));

Console.WriteLine(response.Text);
foreach (var record in context.UsageRecords)
{
    Console.WriteLine($"round trip: {record.Usage.InputTokenCount} in, {record.Usage.OutputTokenCount} out, cost {record.Cost?.ToString() ?? "unknown"} {record.Currency}");
}
