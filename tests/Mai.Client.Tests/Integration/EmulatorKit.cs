using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>Starts emulators, builds clients over them, and reads what the emulator itself answered (to compare against exactly).</summary>
internal static class EmulatorKit
{
    public const string Primary = "primary";
    public const string Secondary = "secondary";

    /// <summary>A token that fails a stuck test instead of hanging it (the test's own token, plus a bound in real time).</summary>
    public static CancellationToken Guard(int seconds = 30)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(seconds));
        return cts.Token;
    }

    /// <summary>Starts an emulator on loopback with the default models (or <paramref name="models"/>), on the real clock, without pacing.</summary>
    public static Task<MaiEmulator> StartAsync(params EmulatedModel[] models) => StartAsync(configure: null, models);

    public static Task<MaiEmulator> StartAsync(Action<MaiEmulatorOptions>? configure, params EmulatedModel[] models)
    {
        var options = new MaiEmulatorOptions();
        foreach (var model in models)
        {
            options.Models.Add(model);
        }

        configure?.Invoke(options);
        return MaiEmulator.StartAsync(options, TestContext.Current.CancellationToken);
    }

    /// <summary>Options for a client whose primary deployment is <paramref name="emu"/>, on <paramref name="clock"/>.</summary>
    public static MaiClientOptions Options(MaiEmulator emu, TestClock clock, string model = "MAI-Thinking-1", TransportKind transport = TransportKind.AzureInference)
    {
        var options = new MaiClientOptions
        {
            Model = model,
            ApiKey = emu.ApiKey,
            DeploymentName = Primary,
            TimeProvider = clock,
        };
        Transports.Configure(transport, options, emu);
        return options;
    }

    /// <summary>Adds <paramref name="emu"/> as a fallback deployment named <see cref="Secondary"/>.</summary>
    public static MaiClientOptions WithFallback(this MaiClientOptions options, MaiEmulator emu, TransportKind transport = TransportKind.AzureInference)
    {
        var where = new MaiClientOptions();
        Transports.Configure(transport, where, emu);
        options.Fallbacks.Add(new MaiDeployment { Name = Secondary, Endpoint = where.Endpoint, Model = options.Model, ApiKey = emu.ApiKey });
        return options;
    }

    /// <summary>The chat-completions requests the emulator received (its log also holds other routes).</summary>
    public static List<EmulatorRequest> Chats(this MaiEmulator emu) =>
        [.. emu.Requests.Where(r => r.Method == "POST" && r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal))];

    /// <summary>Streams through <paramref name="client"/> and collects every typed update (the caller's view).</summary>
    public static async Task<List<MaiUpdate>> CollectAsync(this MaiClient client, string prompt, ChatOptions? options, List<MaiUpdate>? seen = null, CancellationToken cancellationToken = default)
    {
        seen ??= [];
        await foreach (var update in client.StreamAsync(prompt, options, cancellationToken))
        {
            seen.Add(update);
        }

        return seen;
    }

    public static string AnswerText(this IEnumerable<MaiUpdate> updates) =>
        string.Concat(updates.Where(u => u.Kind == MaiUpdateKind.Answer).Select(u => u.Text));

    public static string ReasoningText(this IEnumerable<MaiUpdate> updates) =>
        string.Concat(updates.Where(u => u.Kind == MaiUpdateKind.Reasoning).Select(u => u.Text));

    /// <summary>
    /// Sends <paramref name="request"/>'s exact body to the emulator again with a raw <see cref="HttpClient"/> (no fault: the
    /// header <c>x-mai-fault: none</c> leaves the fault queue alone) and returns what the emulator answered. The emulator is
    /// deterministic for the same body, so this is what the client was answered, read independently of the client.
    /// </summary>
    public static async Task<WireAnswer> ReplayAsync(this MaiEmulator emu, EmulatorRequest request, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient();
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(emu.Endpoint, request.PathAndQuery))
        {
            Content = new StringContent(request.Body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Add("api-key", emu.ApiKey);
        message.Headers.Add(EmulatorFault.HeaderName, "none");
        using var response = await http.SendAsync(message, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"replay answered {(int)response.StatusCode}: {text}");
        return response.Content.Headers.ContentType?.MediaType == "text/event-stream" ? WireAnswer.FromSse(text) : WireAnswer.FromJson(text);
    }
}

/// <summary>What the emulator put on the wire for one request: the raw content, reasoning_content, tool calls and usage.</summary>
internal sealed record WireAnswer(string Content, string ReasoningContent, List<(string Id, string Name, string Arguments)> ToolCalls, string? FinishReason, WireUsage? Usage)
{
    public static WireAnswer FromJson(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var choice = doc.RootElement.GetProperty("choices")[0];
        var message = choice.GetProperty("message");
        var calls = new List<(string, string, string)>();
        if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                var function = call.GetProperty("function");
                calls.Add((call.GetProperty("id").GetString()!, function.GetProperty("name").GetString()!, function.GetProperty("arguments").GetString()!));
            }
        }

        return new WireAnswer(
            Str(message, "content"),
            Str(message, "reasoning_content"),
            calls,
            choice.TryGetProperty("finish_reason", out var finish) ? finish.GetString() : null,
            WireUsage.From(doc.RootElement));
    }

    public static WireAnswer FromSse(string sse)
    {
        var content = new StringBuilder();
        var reasoning = new StringBuilder();
        var calls = new List<(string Id, string Name, StringBuilder Arguments)>();
        string? finish = null;
        WireUsage? usage = null;
        foreach (var line in sse.Split('\n'))
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal) || line == "data: [DONE]")
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line[6..]);
            usage = WireUsage.From(doc.RootElement) ?? usage;
            foreach (var choice in doc.RootElement.GetProperty("choices").EnumerateArray())
            {
                var delta = choice.GetProperty("delta");
                content.Append(Str(delta, "content"));
                reasoning.Append(Str(delta, "reasoning_content"));
                if (delta.TryGetProperty("tool_calls", out var toolCalls))
                {
                    foreach (var call in toolCalls.EnumerateArray())
                    {
                        var function = call.GetProperty("function");
                        if (function.TryGetProperty("name", out var name))
                        {
                            calls.Add((Str(call, "id"), name.GetString()!, new StringBuilder()));
                        }

                        calls[^1].Arguments.Append(Str(function, "arguments"));
                    }
                }

                if (choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String)
                {
                    finish = f.GetString();
                }
            }
        }

        return new WireAnswer(content.ToString(), reasoning.ToString(), [.. calls.Select(c => (c.Id, c.Name, c.Arguments.ToString()))], finish, usage);
    }

    /// <summary>Gets the reasoning and the answer as the library should deliver them: from <c>reasoning_content</c>, or from a
    /// <c>&lt;think&gt;</c> block (without the tags and the line breaks around them) before the answer.</summary>
    public (string Reasoning, string Answer) Split()
    {
        const string open = "<think>\n";
        const string close = "\n</think>\n\n";
        var end = Content.IndexOf(close, StringComparison.Ordinal);
        return Content.StartsWith(open, StringComparison.Ordinal) && end > 0
            ? (Content[open.Length..end], Content[(end + close.Length)..])
            : (ReasoningContent, Content);
    }

    private static string Str(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}

/// <summary>The <c>usage</c> object as the emulator reported it.</summary>
internal sealed record WireUsage(long PromptTokens, long CompletionTokens, long TotalTokens, long ReasoningTokens, long CachedTokens)
{
    public static WireUsage? From(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        static long Nested(JsonElement usage, string details, string name) =>
            usage.TryGetProperty(details, out var d) && d.ValueKind == JsonValueKind.Object && d.TryGetProperty(name, out var v) ? v.GetInt64() : 0;

        return new WireUsage(
            usage.GetProperty("prompt_tokens").GetInt64(),
            usage.GetProperty("completion_tokens").GetInt64(),
            usage.GetProperty("total_tokens").GetInt64(),
            Nested(usage, "completion_tokens_details", "reasoning_tokens"),
            Nested(usage, "prompt_tokens_details", "cached_tokens"));
    }
}
