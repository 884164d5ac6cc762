using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Emulator;

namespace Mai.Agents.Tests.TestSupport;

/// <summary>The wire an agent's model calls go over: chat completions (two transports) or Anthropic's Messages API.</summary>
public enum AgentApi
{
    /// <summary>MAI-Thinking-1 over Azure.AI.Inference on the emulator's <c>/models</c> route.</summary>
    AzureInference,

    /// <summary>MAI-Thinking-1 over the OpenAI SDK on the emulator's <c>/openai/v1</c> route.</summary>
    OpenAIV1,

    /// <summary>claude-sonnet-4-6 over the Messages API on the emulator's <c>/anthropic</c> route (the transport is chosen from the path).</summary>
    AnthropicMessages,
}

/// <summary>Builds clients over an emulator for each <see cref="AgentApi"/>, and reads back what the emulator answered.</summary>
internal static class AgentKit
{
    /// <summary>A price for MAI-Thinking-1, for these tests only (the shipped table has none, so its cost would be unknown).</summary>
    public static readonly ModelPrice MaiThinkingTestPrice = new() { InputPerMillion = 1.00m, OutputPerMillion = 4.00m, Currency = "USD" };

    public static TheoryData<AgentApi> Apis => [AgentApi.AzureInference, AgentApi.OpenAIV1, AgentApi.AnthropicMessages];

    public static TheoryData<AgentApi, bool> ApisAndStreaming => new()
    {
        { AgentApi.AzureInference, false }, { AgentApi.AzureInference, true },
        { AgentApi.OpenAIV1, false }, { AgentApi.OpenAIV1, true },
        { AgentApi.AnthropicMessages, false }, { AgentApi.AnthropicMessages, true },
    };

    /// <summary>A token that fails a stuck test instead of hanging it.</summary>
    public static CancellationToken Guard(int seconds = 60)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        return cts.Token;
    }

    public static string ModelOf(AgentApi api) => api == AgentApi.AnthropicMessages ? "claude-sonnet-4-6" : "MAI-Thinking-1";

    /// <summary>Options whose primary deployment is <paramref name="emu"/> over <paramref name="api"/>; every record also goes to <paramref name="sink"/>.</summary>
    public static MaiClientOptions Options(MaiEmulator emu, AgentApi api, TimeProvider clock, IUsageSink sink)
    {
        var options = new MaiClientOptions
        {
            ApiKey = emu.ApiKey,
            Model = ModelOf(api),
            DeploymentName = "primary",
            TimeProvider = clock,
            Ledger = new UsageLedger([sink]),
            Prices = new PriceTable(new PriceTableOptions { Models = { ["MAI-Thinking-1"] = MaiThinkingTestPrice } }),
        };
        switch (api)
        {
            case AgentApi.AzureInference:
                options.Endpoint = new Uri(emu.Endpoint, "/models");
                break;
            case AgentApi.OpenAIV1:
                options.Endpoint = new Uri(emu.Endpoint, "/openai/v1");
                options.Transport = MaiTransport.OpenAIV1;
                break;
            default:
                options.Endpoint = emu.AnthropicEndpoint;
                break;
        }

        return options;
    }

    /// <summary>The model calls the emulator received (chat completions and Messages API), oldest first.</summary>
    public static List<EmulatorRequest> ModelCalls(this MaiEmulator emu) =>
        [.. emu.Requests.Where(r => r.Method == "POST" && (r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal) || r.PathAndQuery.Contains("/v1/messages", StringComparison.Ordinal)))];

    /// <summary>
    /// Sends <paramref name="request"/>'s exact body again (with <c>x-mai-fault: none</c>, which leaves the fault queue alone) and
    /// returns the input and output tokens the emulator reports for it. The emulator is deterministic for the same body, so this
    /// is what the service billed for that request, read without the client.
    /// </summary>
    public static async Task<(long Input, long Output)> ReplayUsageAsync(this MaiEmulator emu, EmulatorRequest request, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(emu.Endpoint, request.PathAndQuery))
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("api-key", emu.ApiKey);
        message.Headers.Add(EmulatorFault.HeaderName, "none");
        if (request.Headers.TryGetValue("anthropic-version", out var version))
        {
            message.Headers.Add("anthropic-version", version);
        }

        using var response = await http.SendAsync(message, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"replay answered {(int)response.StatusCode}: {text}");
        var payloads = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal) && l != "data: [DONE]").Select(l => l[6..]).ToList()
            : [text];
        (long Input, long Output)? usage = null;
        foreach (var payload in payloads)
        {
            using var doc = JsonDocument.Parse(payload);
            usage = UsageOf(doc.RootElement) ?? usage;
        }

        return usage ?? throw new InvalidOperationException("the emulator reported no usage: " + text);
    }

    private static (long Input, long Output)? UsageOf(JsonElement root)
    {
        // Messages API stream events carry usage in message_start (inside message) and message_delta; the last one has the final figures.
        if (root.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.Object)
        {
            root = message;
        }

        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (usage.TryGetProperty("prompt_tokens", out var prompt))
        {
            return (prompt.GetInt64(), usage.GetProperty("completion_tokens").GetInt64());
        }

        static long Count(JsonElement usage, string name) => usage.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : 0;
        return (Count(usage, "input_tokens") + Count(usage, "cache_creation_input_tokens") + Count(usage, "cache_read_input_tokens"), Count(usage, "output_tokens"));
    }
}

/// <summary>An <see cref="IUsageSink"/> that keeps every record it is given, in order.</summary>
internal sealed class RecordingSink : IUsageSink
{
    private readonly ConcurrentQueue<UsageRecord> _records = new();

    public IReadOnlyList<UsageRecord> Records => [.. _records];

    public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        _records.Enqueue(record);
        return ValueTask.CompletedTask;
    }
}
