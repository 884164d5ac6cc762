using System.Text.Json;
using Azure;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport;

internal static class TransportTestKit
{
    public const string Key = "sk-TEST-SECRET-KEY-0123456789";

    public static AzureInferenceChatClient NewClient(LoopbackServer server, AzureInferenceChatClientOptions? options = null, string path = "/models") =>
        new(new Uri(server.Endpoint, path), new AzureKeyCredential(Key), options);

    /// <summary>A token that fails a stuck test instead of hanging it.</summary>
    public static CancellationToken Guard(int seconds = 30)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        return cts.Token;
    }

    public static List<ChatMessage> Hello() => [new(ChatRole.User, "hello")];

    public static string Completion(string content = "Hi there", string finish = "stop", string usage = """{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}""") =>
        """{"id":"cmpl-1","object":"chat.completion","created":1727989992,"model":"m-1","choices":[{"index":0,"finish_reason":""" + "\"" + finish
        + "\",\"message\":{\"role\":\"assistant\",\"content\":" + JsonSerializer.Serialize(content) + "}}],\"usage\":" + usage + "}";

    public static string Chunk(string delta, string? finish = null, string? usage = null) =>
        """{"id":"c-1","object":"chat.completion.chunk","created":1727989992,"model":"m-1","choices":[{"index":0,"delta":""" + delta
        + ",\"finish_reason\":" + (finish is null ? "null" : "\"" + finish + "\"") + "}]" + (usage is null ? "" : ",\"usage\":" + usage) + "}";

    public static JsonElement Body(RecordedRequest request) => JsonDocument.Parse(request.Body).RootElement;

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        var list = new List<ChatResponseUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
