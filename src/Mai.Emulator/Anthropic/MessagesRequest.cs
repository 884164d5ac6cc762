using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>
/// The parts of an Anthropic Messages API request the emulator reads, converted to the <see cref="ChatRequest"/> the planner
/// already understands (system → a system message, <c>tool_use</c> → tool calls, <c>tool_result</c> → tool messages).
/// </summary>
internal sealed class MessagesRequest
{
    public required ChatRequest Chat { get; init; }

    public required int MaxTokens { get; init; }

    /// <summary>The <c>thinking.budget_tokens</c> when thinking is enabled (or adaptive), else null.</summary>
    public int? ThinkingBudget { get; init; }

    public bool Thinking => ThinkingBudget is not null;

    /// <summary>The text up to and including the last block marked with <c>cache_control</c> (or the whole prompt with a top-level one), else null.</summary>
    public string? CachePrefix { get; init; }

    /// <summary>The thinking blocks sent back in assistant turns, with their signatures (checked by the endpoint).</summary>
    public IReadOnlyList<(int Message, int Block, string Thinking, string? Signature)> ThinkingBlocks { get; init; } = [];

    /// <summary>When thinking is on and the last assistant turn has a tool_use, the path of its first block if that block is not thinking.</summary>
    public string? MissingThinkingAt { get; init; }

    public bool RedactedThinkingTrigger { get; init; }

    public const string RedactedThinkingMagic = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB";

    public static MessagesRequest Parse(string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new RequestValidationException(null, "There was an error parsing the body: the request body is not valid JSON.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException(null, "The request body must be a JSON object.");
            }

            if (Str(root, "model") is null)
            {
                throw new RequestValidationException("model", "model: Field required");
            }

            if (!root.TryGetProperty("max_tokens", out var mt) || mt.ValueKind != JsonValueKind.Number)
            {
                throw new RequestValidationException("max_tokens", "max_tokens: Field required");
            }

            if (!mt.TryGetInt32(out var maxTokens) || maxTokens < 1)
            {
                throw new RequestValidationException("max_tokens", "max_tokens: Input should be greater than or equal to 1");
            }

            if (!root.TryGetProperty("messages", out var messagesEl) || messagesEl.ValueKind != JsonValueKind.Array)
            {
                throw new RequestValidationException("messages", "messages: Field required");
            }

            var messages = new List<RequestMessage>();
            var prompt = new StringBuilder();
            string? cachePrefix = root.TryGetProperty("cache_control", out var topCache) && topCache.ValueKind == JsonValueKind.Object ? string.Empty : null;
            var topLevelCache = cachePrefix is not null;
            var system = SystemText(root, prompt, ref cachePrefix);
            if (system.Length > 0)
            {
                messages.Add(new RequestMessage("system", system, null, [], null));
            }

            var thinkingBlocks = new List<(int, int, string, string?)>();
            var redactedTrigger = false;
            string? lastAssistantFirstBlock = null;
            var lastAssistantHasToolUse = false;
            var index = 0;
            foreach (var m in messagesEl.EnumerateArray())
            {
                var role = m.ValueKind == JsonValueKind.Object ? Str(m, "role") : null;
                if (role is not ("user" or "assistant"))
                {
                    throw new RequestValidationException("messages", $"messages.{index}.role: Input should be 'user' or 'assistant'");
                }

                var text = new StringBuilder();
                var calls = new List<ToolCallData>();
                var content = m.TryGetProperty("content", out var c) ? c : default;
                if (content.ValueKind == JsonValueKind.String)
                {
                    text.Append(content.GetString());
                    prompt.Append(role).Append('\n').Append(content.GetString()).Append('\n');
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var blockIndex = 0;
                    foreach (var block in content.EnumerateArray())
                    {
                        var type = Str(block, "type");
                        if (role == "assistant" && blockIndex == 0)
                        {
                            lastAssistantFirstBlock = type;
                        }

                        switch (type)
                        {
                            case "text":
                                text.Append(Str(block, "text"));
                                prompt.Append(role).Append('\n').Append(Str(block, "text")).Append('\n');
                                break;
                            case "thinking":
                                thinkingBlocks.Add((index, blockIndex, Str(block, "thinking") ?? string.Empty, Str(block, "signature")));
                                break;
                            case "redacted_thinking":
                                break;
                            case "tool_use":
                                calls.Add(new ToolCallData(Str(block, "id") ?? string.Empty, Str(block, "name") ?? string.Empty,
                                    block.TryGetProperty("input", out var input) ? input.GetRawText() : "{}"));
                                prompt.Append("tool_use\n").Append(block.GetRawText()).Append('\n');
                                break;
                            case "tool_result":
                                var result = ToolResultText(block);
                                messages.Add(new RequestMessage("tool", result, null, [], Str(block, "tool_use_id")));
                                prompt.Append("tool_result\n").Append(result).Append('\n');
                                break;
                            case "image" or "document":
                                break;
                            default:
                                throw new RequestValidationException("messages", $"messages.{index}.content.{blockIndex}.type: Input tag '{type}' found using 'type' does not match any of the expected tags");
                        }

                        if (block.TryGetProperty("cache_control", out var cc) && cc.ValueKind == JsonValueKind.Object && !topLevelCache)
                        {
                            cachePrefix = prompt.ToString();
                        }

                        blockIndex++;
                    }
                }
                else
                {
                    throw new RequestValidationException("messages", $"messages.{index}.content: Field required");
                }

                if (role == "assistant")
                {
                    lastAssistantHasToolUse = calls.Count > 0;
                }

                redactedTrigger |= role == "user" && text.ToString().Contains(RedactedThinkingMagic, StringComparison.Ordinal);
                if (text.Length > 0 || calls.Count > 0)
                {
                    messages.Add(new RequestMessage(role, text.ToString(), null, calls, null));
                }

                index++;
            }

            if (messages.Count == 0 || messages.All(x => x.Role == "system"))
            {
                throw new RequestValidationException("messages", "messages: at least one message is required");
            }

            var thinkingBudget = ParseThinking(root, maxTokens);
            var tools = ParseTools(root);
            var (choice, choiceName) = ParseToolChoice(root, tools.Count > 0);
            var (format, schema) = AskedFormat(system);
            var chat = new ChatRequest
            {
                Format = format,
                Schema = schema,
                Messages = messages,
                Model = Str(root, "model"),
                MaxTokens = maxTokens,
                Stop = root.TryGetProperty("stop_sequences", out var stop) && stop.ValueKind == JsonValueKind.Array
                    ? stop.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToList()
                    : [],
                Stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True,
                Tools = tools,
                ToolChoice = choice,
                ToolChoiceName = choiceName,
                ParallelToolCalls = !(root.TryGetProperty("tool_choice", out var tcp) && tcp.ValueKind == JsonValueKind.Object
                    && tcp.TryGetProperty("disable_parallel_tool_use", out var dp) && dp.ValueKind == JsonValueKind.True),
            };

            if (topLevelCache)
            {
                cachePrefix = prompt.ToString();
            }

            return new MessagesRequest
            {
                Chat = chat,
                MaxTokens = maxTokens,
                ThinkingBudget = thinkingBudget,
                CachePrefix = string.IsNullOrEmpty(cachePrefix) ? null : cachePrefix,
                ThinkingBlocks = thinkingBlocks,
                MissingThinkingAt = thinkingBudget is not null && lastAssistantHasToolUse && lastAssistantFirstBlock is not ("thinking" or "redacted_thinking")
                    ? lastAssistantFirstBlock
                    : null,
                RedactedThinkingTrigger = redactedTrigger,
            };
        }
    }

    /// <summary>The Messages API has no JSON mode: a system prompt asking for JSON (valid against a schema) is honoured like response_format.</summary>
    private static (OutputFormat Format, JsonElement? Schema) AskedFormat(string system)
    {
        const string SchemaMarker = "valid against this JSON schema: ";
        var at = system.IndexOf(SchemaMarker, StringComparison.Ordinal);
        if (at >= 0)
        {
            try
            {
                var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(system[(at + SchemaMarker.Length)..]));
                using var doc = JsonDocument.ParseValue(ref reader);
                return (OutputFormat.JsonSchema, doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                return (OutputFormat.JsonObject, null);
            }
        }

        return system.Contains("Answer with one JSON object only", StringComparison.Ordinal) ? (OutputFormat.JsonObject, null) : (OutputFormat.Text, null);
    }

    private static string SystemText(JsonElement root, StringBuilder prompt, ref string? cachePrefix)
    {
        if (!root.TryGetProperty("system", out var system))
        {
            return string.Empty;
        }

        if (system.ValueKind == JsonValueKind.String)
        {
            prompt.Append("system\n").Append(system.GetString()).Append('\n');
            return system.GetString()!;
        }

        if (system.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        foreach (var block in system.EnumerateArray())
        {
            if (Str(block, "text") is { } t)
            {
                sb.Append(t);
                prompt.Append("system\n").Append(t).Append('\n');
            }

            if (block.TryGetProperty("cache_control", out var cc) && cc.ValueKind == JsonValueKind.Object && cachePrefix is null)
            {
                cachePrefix = prompt.ToString();
            }
        }

        return sb.ToString();
    }

    private static string ToolResultText(JsonElement block)
    {
        if (!block.TryGetProperty("content", out var c))
        {
            return string.Empty;
        }

        if (c.ValueKind == JsonValueKind.String)
        {
            return c.GetString()!;
        }

        return c.ValueKind == JsonValueKind.Array
            ? string.Concat(c.EnumerateArray().Select(b => Str(b, "text") ?? string.Empty))
            : string.Empty;
    }

    private static int? ParseThinking(JsonElement root, int maxTokens)
    {
        if (!root.TryGetProperty("thinking", out var thinking) || thinking.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        switch (Str(thinking, "type"))
        {
            case "disabled":
                return null;
            case "adaptive":
                return Math.Max(1, maxTokens / 2);
            case "enabled":
                if (!thinking.TryGetProperty("budget_tokens", out var b) || !b.TryGetInt32(out var budget))
                {
                    throw new RequestValidationException("thinking", "thinking.enabled.budget_tokens: Field required");
                }

                if (budget < 1024)
                {
                    throw new RequestValidationException("thinking", "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
                }

                if (budget >= maxTokens)
                {
                    throw new RequestValidationException("max_tokens", "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
                }

                return budget;
            default:
                throw new RequestValidationException("thinking", "thinking: Input tag does not match any of the expected tags: 'enabled', 'disabled', 'adaptive'");
        }
    }

    private static List<ToolDefinition> ParseTools(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var result = new List<ToolDefinition>();
        var i = 0;
        foreach (var tool in tools.EnumerateArray())
        {
            var name = Str(tool, "name") ?? throw new RequestValidationException("tools", $"tools.{i}.name: Field required");
            JsonElement? schema = tool.TryGetProperty("input_schema", out var s) && s.ValueKind == JsonValueKind.Object
                ? s.Clone()
                : throw new RequestValidationException("tools", $"tools.{i}.custom.input_schema: Field required");
            result.Add(new ToolDefinition(name, Str(tool, "description"), schema));
            i++;
        }

        return result;
    }

    private static (ToolChoiceMode Mode, string? Name) ParseToolChoice(JsonElement root, bool hasTools)
    {
        if (!root.TryGetProperty("tool_choice", out var tc) || tc.ValueKind != JsonValueKind.Object)
        {
            return (hasTools ? ToolChoiceMode.Auto : ToolChoiceMode.None, null);
        }

        return Str(tc, "type") switch
        {
            "auto" => (ToolChoiceMode.Auto, null),
            "any" => (ToolChoiceMode.Required, null),
            "none" => (ToolChoiceMode.None, null),
            "tool" => (ToolChoiceMode.Named, Str(tc, "name") ?? throw new RequestValidationException("tool_choice", "tool_choice.tool.name: Field required")),
            var other => throw new RequestValidationException("tool_choice", $"tool_choice: Input tag '{other}' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'"),
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
