using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>The <c>messages</c> array: roles, text, images, tool calls and tool results.</summary>
internal static partial class ChatRequestWriter
{
    private static readonly ChatRole s_developer = new("developer");

    private static void WriteMessages(Utf8JsonWriter writer, IEnumerable<ChatMessage> messages, string? instructions)
    {
        writer.WriteStartArray();
        var count = 0;
        if (!string.IsNullOrEmpty(instructions))
        {
            WriteTextMessage(writer, "system", instructions);
            count++;
        }

        if (messages is IList<ChatMessage> list)
        {
            foreach (var message in ListItems.Of(list))
            {
                ArgumentNullException.ThrowIfNull(message, nameof(messages));
                count += WriteMessage(writer, message);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                ArgumentNullException.ThrowIfNull(message, nameof(messages));
                count += WriteMessage(writer, message);
            }
        }

        if (count == 0)
        {
            throw new ArgumentException("There is no message to send: the chat-completions API needs at least one.", nameof(messages));
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes one M.E.AI message as zero or more wire messages (each tool result is its own <c>tool</c> message).</summary>
    private static int WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        var written = 0;
        foreach (var content in ListItems.Of(message.Contents))
        {
            if (content is FunctionResultContent result)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, "tool"u8);
                writer.WritePropertyName("content"u8);
                WriteToolResult(writer, result.Result);
                writer.WriteString("tool_call_id"u8, result.CallId);
                writer.WriteEndObject();
                written++;
            }
        }

        var role = message.Role;
        if (role == ChatRole.Tool)
        {
            return written; // a tool message carries only function results
        }

        if (role == ChatRole.Assistant)
        {
            return written + WriteAssistant(writer, message, written > 0);
        }

        var hasMedia = false;
        var textParts = 0;
        foreach (var content in ListItems.Of(message.Contents))
        {
            if (content is TextContent)
            {
                textParts++;
            }
            else if (IsImage(content))
            {
                hasMedia = true;
            }
        }

        if (textParts == 0 && !hasMedia)
        {
            // Nothing sendable (only results, or unsupported content); an empty message of its own is still a message.
            if (written > 0)
            {
                return written;
            }
        }

        var roleName = role == ChatRole.System ? "system" : role == s_developer ? "developer" : role == ChatRole.User ? "user" : role.Value;
        writer.WriteStartObject();
        writer.WriteString("role"u8, roleName);
        writer.WritePropertyName("content"u8);
        if (hasMedia || textParts > 1)
        {
            WriteParts(writer, message);
        }
        else
        {
            writer.WriteStringValue(ConcatText(message));
        }

        writer.WriteEndObject();
        return written + 1;
    }

    private static int WriteAssistant(Utf8JsonWriter writer, ChatMessage message, bool hadResults)
    {
        var text = ConcatText(message); // TextReasoningContent is never sent back (Microsoft's guidance for reasoning models)
        var hasCalls = HasFunctionCall(message.Contents);
        if (!hasCalls && text.Length == 0 && hadResults)
        {
            return 0;
        }

        writer.WriteStartObject();
        writer.WriteString("role"u8, "assistant"u8);
        if (text.Length > 0 || !hasCalls)
        {
            writer.WriteString("content"u8, text);
        }

        if (hasCalls)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var content in ListItems.Of(message.Contents))
            {
                if (content is FunctionCallContent call)
                {
                    writer.WriteStartObject();
                    writer.WriteString("id"u8, call.CallId);
                    writer.WriteString("type"u8, "function"u8);
                    writer.WriteStartObject("function"u8);
                    writer.WriteString("name"u8, call.Name);
                    writer.WritePropertyName("arguments"u8);
                    if (call.Arguments is null)
                    {
                        writer.WriteStringValue("{}"u8);
                    }
                    else
                    {
                        writer.WriteStringValue(JsonSerializer.SerializeToUtf8Bytes(call.Arguments, JsonValueWriter.TypeInfo(typeof(IDictionary<string, object?>))));
                    }

                    writer.WriteEndObject();
                    writer.WriteEndObject();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
        return 1;
    }

    private static bool HasFunctionCall(IList<AIContent> contents)
    {
        foreach (var content in ListItems.Of(contents))
        {
            if (content is FunctionCallContent)
            {
                return true;
            }
        }

        return false;
    }

    private static void WriteParts(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartArray();
        foreach (var content in ListItems.Of(message.Contents))
        {
            switch (content)
            {
                case TextContent text:
                    writer.WriteStartObject();
                    writer.WriteString("type"u8, "text"u8);
                    writer.WriteString("text"u8, text.Text);
                    writer.WriteEndObject();
                    break;
                case UriContent uri when IsImage(uri):
                    WriteImage(writer, uri.Uri.AbsoluteUri, uri);
                    break;
                case DataContent data when IsImage(data):
                    WriteImage(writer, data.Uri, data); // DataContent.Uri is the data: URI
                    break;
            }
        }

        writer.WriteEndArray();
    }

    private static void WriteImage(Utf8JsonWriter writer, string url, AIContent content)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, url);
        if (content.AdditionalProperties?.TryGetValue("detail", out var detail) == true && detail is string detailText)
        {
            writer.WriteString("detail"u8, detailText);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static bool IsImage(AIContent content) => content switch
    {
        UriContent uri => uri.HasTopLevelMediaType("image"),
        DataContent data => data.HasTopLevelMediaType("image"),
        _ => false,
    };

    private static string ConcatText(ChatMessage message)
    {
        string? single = null;
        StringBuilder? sb = null;
        foreach (var content in ListItems.Of(message.Contents))
        {
            if (content is TextContent { Text: { Length: > 0 } text })
            {
                if (single is null)
                {
                    single = text;
                }
                else
                {
                    sb ??= new StringBuilder(single);
                    sb.Append(text);
                }
            }
        }

        return sb?.ToString() ?? single ?? string.Empty;
    }

    private static void WriteTextMessage(Utf8JsonWriter writer, string role, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        writer.WriteString("content"u8, text);
        writer.WriteEndObject();
    }

    /// <summary>A tool result as the <c>content</c> string: a string as is, anything else as its JSON.</summary>
    private static void WriteToolResult(Utf8JsonWriter writer, object? result)
    {
        switch (result)
        {
            case null:
                writer.WriteStringValue(string.Empty);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case JsonElement { ValueKind: JsonValueKind.String } element:
                writer.WriteStringValue(element.GetString());
                break;
            case JsonElement element:
                writer.WriteStringValue(element.GetRawText());
                break;
            case TextContent text:
                writer.WriteStringValue(text.Text);
                break;
            default:
                writer.WriteStringValue(JsonSerializer.SerializeToUtf8Bytes(result, JsonValueWriter.TypeInfo(result.GetType())));
                break;
        }
    }
}
