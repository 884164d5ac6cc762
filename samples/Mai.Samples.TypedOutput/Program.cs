// Typed output: MaiClient.AskAsync<T> sends a JSON schema derived from T and returns the answer deserialized.
// Runs on the embedded emulator; set AZURE_AI_CHAT_ENDPOINT/KEY/MODEL for a real one.
using Mai.Client.Errors;
using Mai.Client;
using Mai.Emulator;

await using var emulator = Environment.GetEnvironmentVariable("AZURE_AI_CHAT_ENDPOINT") is null ? await MaiEmulator.StartAsync() : null;
using var client = new MaiClient(new MaiClientOptions
{
    Endpoint = emulator?.Endpoint ?? new Uri(Environment.GetEnvironmentVariable("AZURE_AI_CHAT_ENDPOINT")!),
    ApiKey = emulator?.ApiKey ?? Environment.GetEnvironmentVariable("AZURE_AI_CHAT_KEY"),
    Model = Environment.GetEnvironmentVariable("AZURE_AI_CHAT_MODEL") ?? "MAI-Thinking-1",
});

try
{
    MaiResult<TripPlan> result = await client.AskAsync<TripPlan>("Plan a two-day trip to Lisbon.");
    Console.WriteLine($"{result.Value.Destination}: {result.Value.Days} day(s), {result.Value.Stops.Length} stop(s), budget {result.Value.BudgetEur} EUR");
    Console.WriteLine($"reasoning kept apart: {result.Reasoning?.Length ?? 0} characters; {result.Usage?.OutputTokenCount} output tokens");
}
catch (MaiStructuredOutputException ex)
{
    Console.Error.WriteLine($"{ex.Message} Raw answer: {ex.RawText}");
    return 1;
}

return 0;

internal sealed record TripPlan(string Destination, int Days, string[] Stops, decimal BudgetEur);
