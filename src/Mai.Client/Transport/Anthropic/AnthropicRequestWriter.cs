using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Writes a Messages API request body from M.E.AI messages and options: system text apart, thinking blocks sent back with their
/// signatures (redacted ones opaque), tool_use / tool_result blocks, and <c>max_tokens</c> always present.
/// </summary>
internal static class AnthropicRequestWriter
{
    private static readonly HashSet<string> s_modelled = new(StringComparer.Ordinal)
    {
        "model", "max_tokens", "messages", "system", "stream", "temperature", "top_p", "top_k", "stop_sequences", "tools", "tool_choice", "thinking",
    };

    /// <summary>Writes the request; throws <see cref="ArgumentException"/> naming the parameter before anything is sent.</summary>
    public static PooledBufferWriter Write(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModel, ReasoningEffort? defaultEffort, bool stream)
    {
        var model = options?.ModelId ?? defaultModel;
        if (string.IsNullOrWhiteSpace(model))
        {
            throw new ArgumentException("No model is set: give ChatOptions.ModelId or the client's DefaultModelId (the Foundry deployment name, e.g. claude-opus-4-6).", nameof(options));
        }

        var maxTokens = options?.MaxOutputTokens ?? AnthropicConstants.MaxTokensFor(model);
        if (maxTokens < 1)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"ChatOptions.MaxOutputTokens must be at least 1 (was {maxTokens})."), nameof(options));
        }

        var effort = options?.Reasoning?.Effort ?? defaultEffort;
        var buffer = new PooledBufferWriter(4096);
        try
        {
            using var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonValueWriter.Encoder });
            w.WriteStartObject();
            w.WriteString("model"u8, model);
            w.WriteNumber("max_tokens"u8, maxTokens);
            var system = SystemText(messages, options);
            if (system.Length > 0)
            {
                w.WriteString("system"u8, system);
            }

            w.WritePropertyName("messages"u8);
            WriteMessages(w, messages);
            if (effort is { } e && e != ReasoningEffort.None)
            {
                var budget = Math.Min(AnthropicConstants.ThinkingBudget(e), maxTokens - 1);
                if (budget < 1024)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"ChatOptions.MaxOutputTokens ({maxTokens}) leaves no room for thinking: Claude needs a thinking budget of at least 1024 tokens below max_tokens. Raise MaxOutputTokens or set ChatOptions.Reasoning.Effort to None."),
                        nameof(options));
                }

                w.WriteStartObject("thinking"u8);
                w.WriteString("type"u8, "enabled"u8);
                w.WriteNumber("budget_tokens"u8, budget);
                w.WriteEndObject();
            }

            if (options?.Temperature is { } temperature)
            {
                w.WriteNumber("temperature"u8, temperature);
            }

            if (options?.TopP is { } topP)
            {
                w.WriteNumber("top_p"u8, topP);
            }

            if (options?.TopK is { } topK)
            {
                w.WriteNumber("top_k"u8, topK);
            }

            if (options?.StopSequences is { Count: > 0 } stops)
            {
                w.WriteStartArray("stop_sequences"u8);
                foreach (var stop in stops)
                {
                    w.WriteStringValue(stop);
                }

                w.WriteEndArray();
            }

            WriteTools(w, options);
            if (stream)
            {
                w.WriteBoolean("stream"u8, true);
            }

            if (options?.AdditionalProperties is { Count: > 0 } extra)
            {
                foreach (var (key, value) in extra)
                {
                    if (key.StartsWith("mai.", StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (s_modelled.Contains(key))
                    {
                        throw new ArgumentException($"ChatOptions.AdditionalProperties['{key}'] collides with a field the client writes; use the ChatOptions property instead.", nameof(options));
                    }

                    w.WritePropertyName(key);
                    JsonValueWriter.Write(w, value);
                }
            }

            w.WriteEndObject();
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        return buffer;
    }

    private static string SystemText(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var sb = new StringBuilder();
        void Append(string? text)
        {
            if (!string.IsNullOrEmpty(text))
            {
                if (sb.Length > 0)
                {
                    sb.Append("\n\n");
                }

                sb.Append(text);
            }
        }

        Append(options?.Instructions);
        foreach (var message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (message.Role == ChatRole.System || message.Role.Value == "developer")
            {
                Append(message.Text);
            }
        }

        if (options?.ResponseFormat is ChatResponseFormatJson json)
        {
            // The Messages API has no JSON mode: ask for it in the system prompt (the schema, when there is one).
            Append(json.Schema is { } schema
                ? "Answer with one JSON value only, no prose and no code fence, that is valid against this JSON schema: " + schema.GetRawText()
                : "Answer with one JSON object only, no prose and no code fence.");
        }

        return sb.ToString();
    }

    private static void WriteMessages(Utf8JsonWriter w, IEnumerable<ChatMessage> messages)
    {
        // Consecutive messages that map to the same wire role are merged: tool results become user content.
        var turns = new List<(string Role, List<AIContent> Contents)>();
        foreach (var message in messages)
        {
            if (message.Role == ChatRole.System || message.Role.Value == "developer")
            {
                continue;
            }

            var role = message.Role == ChatRole.Assistant ? "assistant" : "user";
            if (turns.Count == 0 || turns[^1].Role != role)
            {
                turns.Add((role, []));
            }

            turns[^1].Contents.AddRange(message.Contents);
        }

        if (turns.Count == 0)
        {
            throw new ArgumentException("There is no message to send: the Messages API needs at least one user message.", nameof(messages));
        }

        w.WriteStartArray();
        foreach (var (role, contents) in turns)
        {
            w.WriteStartObject();
            w.WriteString("role"u8, role);
            w.WriteStartArray("content"u8);
            if (role == "assistant")
            {
                WriteThinking(w, contents);
            }
            else
            {
                // tool_result blocks must open the user turn that answers a tool_use.
                foreach (var result in contents.OfType<FunctionResultContent>())
                {
                    WriteToolResult(w, result);
                }
            }

            foreach (var content in contents)
            {
                switch (content)
                {
                    case TextContent { Text.Length: > 0 } text:
                        w.WriteStartObject();
                        w.WriteString("type"u8, "text"u8);
                        w.WriteString("text"u8, text.Text);
                        w.WriteEndObject();
                        break;
                    case FunctionCallContent call when role == "assistant":
                        w.WriteStartObject();
                        w.WriteString("type"u8, "tool_use"u8);
                        w.WriteString("id"u8, call.CallId);
                        w.WriteString("name"u8, call.Name);
                        w.WritePropertyName("input"u8);
                        JsonValueWriter.Write(w, call.Arguments ?? new Dictionary<string, object?>());
                        w.WriteEndObject();
                        break;
                    case DataContent data when data.HasTopLevelMediaType("image"):
                        w.WriteStartObject();
                        w.WriteString("type"u8, "image"u8);
                        w.WriteStartObject("source"u8);
                        w.WriteString("type"u8, "base64"u8);
                        w.WriteString("media_type"u8, data.MediaType);
                        w.WriteString("data"u8, data.Base64Data.Span);
                        w.WriteEndObject();
                        w.WriteEndObject();
                        break;
                    case UriContent uri when uri.HasTopLevelMediaType("image"):
                        w.WriteStartObject();
                        w.WriteString("type"u8, "image"u8);
                        w.WriteStartObject("source"u8);
                        w.WriteString("type"u8, "url"u8);
                        w.WriteString("url"u8, uri.Uri.ToString());
                        w.WriteEndObject();
                        w.WriteEndObject();
                        break;
                }
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    /// <summary>
    /// Reasoning goes back first, unchanged: a run of <see cref="TextReasoningContent"/> is one thinking block whose signature is its
    /// <see cref="TextReasoningContent.ProtectedData"/>; a redacted block goes back as <c>redacted_thinking</c> with its opaque data.
    /// Reasoning without a signature (another provider's) cannot be verified by Claude and is left out.
    /// </summary>
    private static void WriteThinking(Utf8JsonWriter w, List<AIContent> contents)
    {
        var text = new StringBuilder();
        string? signature = null;
        void Flush()
        {
            if (signature is not null)
            {
                w.WriteStartObject();
                w.WriteString("type"u8, "thinking"u8);
                w.WriteString("thinking"u8, text.ToString());
                w.WriteString("signature"u8, signature);
                w.WriteEndObject();
            }

            text.Clear();
            signature = null;
        }

        foreach (var content in contents)
        {
            if (content is not TextReasoningContent reasoning)
            {
                continue;
            }

            if (IsRedacted(reasoning))
            {
                Flush();
                w.WriteStartObject();
                w.WriteString("type"u8, "redacted_thinking"u8);
                w.WriteString("data"u8, reasoning.ProtectedData);
                w.WriteEndObject();
                continue;
            }

            if (signature is not null && reasoning.Text.Length > 0)
            {
                Flush(); // a new thinking block starts after a signed one
            }

            text.Append(reasoning.Text);
            if (!string.IsNullOrEmpty(reasoning.ProtectedData))
            {
                signature = reasoning.ProtectedData;
            }
        }

        Flush();
    }

    internal static bool IsRedacted(TextReasoningContent reasoning) =>
        reasoning.AdditionalProperties?.ContainsKey(AnthropicConstants.RedactedThinkingKey) == true && !string.IsNullOrEmpty(reasoning.ProtectedData);

    private static void WriteToolResult(Utf8JsonWriter w, FunctionResultContent result)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "tool_result"u8);
        w.WriteString("tool_use_id"u8, result.CallId);
        w.WritePropertyName("content"u8);
        switch (result.Result)
        {
            case null:
                w.WriteStringValue(result.Exception?.Message ?? string.Empty);
                break;
            case string s:
                w.WriteStringValue(s);
                break;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                w.WriteStringValue(element.GetString());
                break;
            default:
                w.WriteStringValue(JsonSerializer.Serialize(result.Result, JsonValueWriter.TypeInfo(result.Result.GetType())));
                break;
        }

        if (result.Exception is not null)
        {
            w.WriteBoolean("is_error"u8, true);
        }

        w.WriteEndObject();
    }

    private static void WriteTools(Utf8JsonWriter w, ChatOptions? options)
    {
        var functions = options?.Tools?.OfType<AIFunctionDeclaration>().ToList() ?? [];
        if (functions.Count == 0 || options!.ToolMode is NoneChatToolMode)
        {
            return;
        }

        w.WriteStartArray("tools"u8);
        foreach (var function in functions)
        {
            w.WriteStartObject();
            w.WriteString("name"u8, function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                w.WriteString("description"u8, function.Description);
            }

            w.WritePropertyName("input_schema"u8);
            function.JsonSchema.WriteTo(w);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        var disableParallel = options.AllowMultipleToolCalls == false;
        if (options.ToolMode is null && !disableParallel)
        {
            return;
        }

        w.WriteStartObject("tool_choice"u8);
        switch (options.ToolMode)
        {
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                w.WriteString("type"u8, "tool"u8);
                w.WriteString("name"u8, name);
                break;
            case RequiredChatToolMode:
                w.WriteString("type"u8, "any"u8);
                break;
            default:
                w.WriteString("type"u8, "auto"u8);
                break;
        }

        if (disableParallel)
        {
            w.WriteBoolean("disable_parallel_tool_use"u8, true);
        }

        w.WriteEndObject();
    }
}
