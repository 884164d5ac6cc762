using System.ClientModel;
using System.ClientModel.Primitives;
using Azure;
using Azure.AI.Inference;
using OpenAI;
using OpenAI.Chat;

namespace Mai.Emulator.Tests.TestSupport;

/// <summary>The official SDK clients, used raw (no Mai.Client code), with their own retries off.</summary>
internal static class Clients
{
    public static ChatCompletionsClient Azure(MaiEmulator emu, string path = "")
    {
        var options = new AzureAIInferenceClientOptions();
        options.Retry.MaxRetries = 0;
        return new ChatCompletionsClient(new Uri(emu.Endpoint, path), new AzureKeyCredential(emu.ApiKey ?? "any"), options);
    }

    public static ChatClient OpenAI(MaiEmulator emu, string model, string? key = null) =>
        new(model, new ApiKeyCredential(key ?? emu.ApiKey ?? "any"), new OpenAIClientOptions
        {
            Endpoint = new Uri(emu.Endpoint, "/openai/v1"),
            RetryPolicy = new ClientRetryPolicy(0),
        });

    public static ChatCompletionsOptions AzureOptions(string model, string prompt) => new()
    {
        Model = model,
        Messages = { new ChatRequestUserMessage(prompt) },
    };

    /// <summary>A generous deadline so a bug fails the test instead of hanging it.</summary>
    public static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;
}
