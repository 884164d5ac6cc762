using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>One content block of a Messages API answer.</summary>
internal sealed record MessagesBlock(string Type, string Text, string? Signature = null, string? ToolId = null, string? ToolName = null);

/// <summary>What one Messages API answer says: blocks, stop reason and usage (Anthropic's split of input into uncached, cache write and cache read).</summary>
internal sealed class MessagesPlan
{
    public required string Id { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<MessagesBlock> Blocks { get; init; }

    public required string StopReason { get; init; }

    public string? StopSequence { get; init; }

    /// <summary>Uncached input tokens (Anthropic's <c>input_tokens</c>, which excludes cache reads and writes).</summary>
    public required int InputTokens { get; init; }

    public required int CacheCreationTokens { get; init; }

    public required int CacheReadTokens { get; init; }

    public required int OutputTokens { get; init; }

    /// <summary>Thinking tokens (part of <see cref="OutputTokens"/>), reported as <c>output_tokens_details.thinking_tokens</c> when thinking was on.</summary>
    public int? ThinkingTokens { get; init; }

    public required EmulatedModel EmulatedModel { get; init; }

    public static MessagesPlan From(CompletionPlan plan, MessagesRequest request, EmulatedModel model, string? stopSequence, (int Creation, int Read) cache, string id)
    {
        var blocks = new List<MessagesBlock>();
        if (request.Thinking)
        {
            if (request.RedactedThinkingTrigger)
            {
                blocks.Add(new MessagesBlock("redacted_thinking", RedactedData(plan.Reasoning)));
            }
            else if (plan.Reasoning.Length > 0)
            {
                blocks.Add(new MessagesBlock("thinking", plan.Reasoning, ThinkingSignature.Sign(plan.Reasoning)));
            }
        }

        if (plan.Answer.Length > 0)
        {
            blocks.Add(new MessagesBlock("text", plan.Answer));
        }

        foreach (var call in plan.ToolCalls)
        {
            if (IsJsonObject(call.Arguments))
            {
                var toolId = call.Id.StartsWith("call_", StringComparison.Ordinal) ? "toolu_01" + call.Id[5..] : "toolu_01" + call.Id;
                blocks.Add(new MessagesBlock("tool_use", call.Arguments, ToolId: toolId, ToolName: call.Name));
            }
        }

        var stopReason = plan.FinishReason switch
        {
            "length" => "max_tokens",
            "tool_calls" when blocks.Any(b => b.Type == "tool_use") => "tool_use",
            _ when stopSequence is not null => "stop_sequence",
            _ => "end_turn",
        };

        var input = Math.Max(0, plan.PromptTokens - cache.Creation - cache.Read);
        return new MessagesPlan
        {
            Id = id,
            Model = model.Name,
            Blocks = blocks,
            StopReason = stopReason,
            StopSequence = stopReason == "stop_sequence" ? stopSequence : null,
            InputTokens = input,
            CacheCreationTokens = cache.Creation,
            CacheReadTokens = cache.Read,
            OutputTokens = Math.Max(1, plan.CompletionTokens),
            ThinkingTokens = request.Thinking ? plan.ReasoningTokens : null,
            EmulatedModel = model,
        };
    }

    public void WriteUsage(Utf8JsonWriter w, bool final, bool start = false)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", InputTokens);
        w.WriteNumber("cache_creation_input_tokens", CacheCreationTokens);
        w.WriteNumber("cache_read_input_tokens", CacheReadTokens);
        if (!final)
        {
            w.WriteStartObject("cache_creation");
            w.WriteNumber("ephemeral_5m_input_tokens", CacheCreationTokens);
            w.WriteNumber("ephemeral_1h_input_tokens", 0);
            w.WriteEndObject();
        }

        // message_start carries a provisional output count (the real service sends 1–8); message_delta the final one.
        w.WriteNumber("output_tokens", start ? Math.Min(OutputTokens, 1) : OutputTokens);
        if (!start && ThinkingTokens is { } thinking)
        {
            w.WriteStartObject("output_tokens_details");
            w.WriteNumber("thinking_tokens", thinking);
            w.WriteEndObject();
        }

        if (!final)
        {
            w.WriteString("service_tier", "standard");
        }

        w.WriteEndObject();
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string RedactedData(string reasoning) =>
        "EmwKAhgBEgy" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes("redacted|" + reasoning))) + Convert.ToBase64String(Encoding.UTF8.GetBytes(reasoning.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>Deterministic thinking signatures: the emulator signs what it thought and checks the signature when a thinking block comes back.</summary>
internal static class ThinkingSignature
{
    private static readonly byte[] s_key = "mai-emulator-thinking-signature"u8.ToArray();

    public static string Sign(string thinking) =>
        "EqQBCkYIBxgCKkA" + Convert.ToBase64String(HMACSHA256.HashData(s_key, Encoding.UTF8.GetBytes(thinking)));

    public static bool Verify(string thinking, string? signature) =>
        signature is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Sign(thinking)), Encoding.UTF8.GetBytes(signature));
}

/// <summary>Anthropic-style prompt caching: the prompt up to the last <c>cache_control</c> breakpoint is written on first sight and read after.</summary>
internal sealed class AnthropicPromptCache
{
    public const int MinimumCacheableTokens = 1024;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public (int Creation, int Read) Lookup(string? prefix, int promptTokens)
    {
        if (prefix is null)
        {
            return (0, 0);
        }

        var tokens = Math.Min(EmulatorTokenizer.Count(prefix), promptTokens);
        if (tokens < MinimumCacheableTokens)
        {
            return (0, 0);
        }

        lock (_lock)
        {
            return _written.Add(prefix) ? (tokens, 0) : (0, tokens);
        }
    }
}
