using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

internal enum ToolChoiceMode
{
    None,
    Auto,
    Required,
    Named,
}

internal enum OutputFormat
{
    Text,
    JsonObject,
    JsonSchema,
}

internal sealed record ToolCallData(string Id, string Name, string Arguments);

internal sealed record RequestMessage(string Role, string Content, string? Name, IReadOnlyList<ToolCallData> ToolCalls, string? ToolCallId);

internal sealed record ToolDefinition(string Name, string? Description, JsonElement? Parameters);

/// <summary>The parts of a chat-completions request body the emulator reads.</summary>
internal sealed class ChatRequest
{
    public required IReadOnlyList<RequestMessage> Messages { get; init; }

    public string? Model { get; init; }

    public int? MaxTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public long? Seed { get; init; }

    public bool Stream { get; init; }

    public bool HasStreamOptions { get; init; }

    public bool IncludeUsage { get; init; }

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public ToolChoiceMode ToolChoice { get; init; }

    public string? ToolChoiceName { get; init; }

    public bool ParallelToolCalls { get; init; } = true;

    public OutputFormat Format { get; init; }

    public JsonElement? Schema { get; init; }

    public static ChatRequest Parse(string body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            throw new RequestValidationException(null, "We could not parse the JSON body of your request. The request body must be valid JSON.");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RequestValidationException(null, "The request body must be a JSON object.");
            }

            if (!root.TryGetProperty("messages", out var messagesEl) || messagesEl.ValueKind != JsonValueKind.Array || messagesEl.GetArrayLength() == 0)
            {
                throw new RequestValidationException("messages", "'messages' is a required property and must be a non-empty array.");
            }

            var messages = messagesEl.EnumerateArray().Select(ParseMessage).ToList();
            var tools = root.TryGetProperty("tools", out var toolsEl) && toolsEl.ValueKind == JsonValueKind.Array
                ? toolsEl.EnumerateArray().Select(ParseTool).ToList()
                : [];
            var (choice, choiceName) = ParseToolChoice(root, tools.Count > 0);
            var (format, schema) = ParseFormat(root);
            var hasStreamOptions = root.TryGetProperty("stream_options", out var so) && so.ValueKind != JsonValueKind.Null;

            return new ChatRequest
            {
                Messages = messages,
                Model = Str(root, "model"),
                MaxTokens = Int(root, "max_completion_tokens") ?? Int(root, "max_tokens"),
                Stop = ParseStop(root),
                Seed = root.TryGetProperty("seed", out var seed) && seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out var s) ? s : null,
                Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
                HasStreamOptions = hasStreamOptions,
                IncludeUsage = hasStreamOptions && so.ValueKind == JsonValueKind.Object
                    && so.TryGetProperty("include_usage", out var iu) && iu.ValueKind == JsonValueKind.True,
                Tools = tools,
                ToolChoice = choice,
                ToolChoiceName = choiceName,
                ParallelToolCalls = !(root.TryGetProperty("parallel_tool_calls", out var ptc) && ptc.ValueKind == JsonValueKind.False),
                Format = format,
                Schema = schema,
            };
        }
    }

    private static RequestMessage ParseMessage(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object)
        {
            throw new RequestValidationException("messages", "Each message must be an object.");
        }

        var role = Str(m, "role") ?? throw new RequestValidationException("messages", "Each message needs a 'role'.");
        var calls = new List<ToolCallData>();
        if (m.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in tc.EnumerateArray())
            {
                var fn = call.TryGetProperty("function", out var f) ? f : default;
                calls.Add(new ToolCallData(
                    Str(call, "id") ?? string.Empty,
                    fn.ValueKind == JsonValueKind.Object ? Str(fn, "name") ?? string.Empty : string.Empty,
                    fn.ValueKind == JsonValueKind.Object ? Str(fn, "arguments") ?? string.Empty : string.Empty));
            }
        }

        return new RequestMessage(role, ContentText(m), Str(m, "name"), calls, Str(m, "tool_call_id"));
    }

    private static string ContentText(JsonElement m)
    {
        if (!m.TryGetProperty("content", out var c))
        {
            return string.Empty;
        }

        switch (c.ValueKind)
        {
            case JsonValueKind.String:
                return c.GetString()!;
            case JsonValueKind.Array:
                var sb = new StringBuilder();
                foreach (var part in c.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && Str(part, "type") == "text" && Str(part, "text") is { } t)
                    {
                        sb.Append(t);
                    }
                }

                return sb.ToString();
            default:
                return string.Empty;
        }
    }

    private static ToolDefinition ParseTool(JsonElement t)
    {
        var fn = t.ValueKind == JsonValueKind.Object && t.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
            ? f
            : throw new RequestValidationException("tools", "Each tool must be {\"type\":\"function\",\"function\":{...}}.");
        var name = Str(fn, "name") ?? throw new RequestValidationException("tools", "Each function tool needs a 'name'.");
        JsonElement? parameters = fn.TryGetProperty("parameters", out var p) && p.ValueKind == JsonValueKind.Object ? p.Clone() : null;
        return new ToolDefinition(name, Str(fn, "description"), parameters);
    }

    private static (ToolChoiceMode Mode, string? Name) ParseToolChoice(JsonElement root, bool hasTools)
    {
        if (!root.TryGetProperty("tool_choice", out var tc) || tc.ValueKind == JsonValueKind.Null)
        {
            return (hasTools ? ToolChoiceMode.Auto : ToolChoiceMode.None, null);
        }

        if (tc.ValueKind == JsonValueKind.String)
        {
            return tc.GetString() switch
            {
                "none" => (ToolChoiceMode.None, null),
                "auto" => (ToolChoiceMode.Auto, null),
                "required" or "any" => (ToolChoiceMode.Required, null),
                var other => throw new RequestValidationException("tool_choice", $"Invalid value for 'tool_choice': '{other}'."),
            };
        }

        if (tc.ValueKind == JsonValueKind.Object && tc.TryGetProperty("function", out var fn) && fn.ValueKind == JsonValueKind.Object && Str(fn, "name") is { } name)
        {
            return (ToolChoiceMode.Named, name);
        }

        throw new RequestValidationException("tool_choice", "Invalid value for 'tool_choice'.");
    }

    private static (OutputFormat Format, JsonElement? Schema) ParseFormat(JsonElement root)
    {
        if (!root.TryGetProperty("response_format", out var rf) || rf.ValueKind != JsonValueKind.Object)
        {
            return (OutputFormat.Text, null);
        }

        return Str(rf, "type") switch
        {
            "json_object" => (OutputFormat.JsonObject, null),
            "json_schema" => (OutputFormat.JsonSchema,
                rf.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object
                    && js.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
                    ? schema.Clone()
                    : throw new RequestValidationException("response_format", "'response_format.json_schema.schema' is required for type 'json_schema'.")),
            _ => (OutputFormat.Text, null),
        };
    }

    private static List<string> ParseStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop))
        {
            return [];
        }

        return stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => stop.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).Where(s => s.Length > 0).ToList(),
            _ => [],
        };
    }

    private static string? Str(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) && n >= 1
            ? n
            : throw new RequestValidationException(name, $"Invalid '{name}': expected an integer of at least 1.");
    }
}
