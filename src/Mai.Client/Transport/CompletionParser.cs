using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>One tool-call entry of <c>message.tool_calls</c> or a fragment of <c>delta.tool_calls</c>.</summary>
internal struct ToolCallFragment
{
    public int? Index;
    public string? Id;
    public string? Name;
    public string? Arguments;
}

/// <summary>
/// Reads a chat completion (non-streaming body) or a chunk (one SSE event) in a single forward pass with
/// <see cref="Utf8JsonReader"/>, keeping only what the client maps: ids, the first choice, reasoning fields, tool calls, usage
/// (with reasoning and cached token details) and in-band errors. One instance serves one call; it is reset per event and keeps
/// <c>id</c> and <c>model</c> strings from one chunk to the next so that repeated values are not allocated again.
/// </summary>
internal sealed partial class CompletionParser
{
    public string? Id { get; private set; }

    public string? Model { get; private set; }

    public long? Created { get; private set; }

    public bool HasChoice { get; private set; }

    /// <summary>Gets a value indicating whether the first choice had a <c>message</c> (or <c>delta</c>) object.</summary>
    public bool HasMessage { get; private set; }

    public string? Role { get; private set; }

    public string? Content { get; private set; }

    public string? Reasoning { get; private set; }

    public string? Refusal { get; private set; }

    public string? FinishReason { get; private set; }

    public List<ToolCallFragment> ToolCalls { get; } = [];

    public UsageDetails? Usage { get; private set; }

    public bool HasError { get; private set; }

    /// <summary>Parses one JSON object; fields absent from it read as null afterwards (ids keep their last value).</summary>
    /// <exception cref="JsonException">The text is not valid JSON, not an object, has text after the object, or holds a string that is
    /// not valid UTF-8 or UTF-16 (a lone surrogate escape).</exception>
    public void Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            ParseObject(json);
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A string in the payload is not valid UTF-8 or UTF-16.", ex);
        }
    }

    private void ParseObject(ReadOnlySpan<byte> json)
    {
        HasChoice = false;
        HasMessage = false;
        Role = Content = Reasoning = Refusal = FinishReason = null;
        Created = null;
        Usage = null;
        HasError = false;
        ToolCalls.Clear();

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The payload is not a JSON object.");
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    Id = Reuse(ref reader, Id);
                }
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
                {
                    Model = Reuse(ref reader, Model);
                }
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var created) && created > 0)
                {
                    Created = created;
                }
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadChoices(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    Usage = ReadUsage(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                HasError = reader.TokenType is not JsonTokenType.Null;
                reader.Skip();
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("The payload has text after its JSON object.");
        }
    }

    private static string Reuse(ref Utf8JsonReader reader, string? previous) =>
        previous is not null && reader.ValueTextEquals(previous) ? previous : reader.GetString()!;

    /// <summary>Reads the first choice (the service supports n = 1; M.E.AI's OpenAI client also reads choice 0 only).</summary>
    private void ReadChoices(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (HasChoice || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            HasChoice = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    FinishReason = reader.TokenType == JsonTokenType.String ? InternFinishReason(ref reader) : null;
                }
                else if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        HasMessage = true;
                        ReadMessage(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
    }

    private void ReadMessage(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                Content = ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                var reasoning = ReadText(ref reader);
                if (!string.IsNullOrEmpty(reasoning))
                {
                    Reasoning ??= reasoning; // servers in transition send the same text under both names
                }
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                reader.Read();
                Role = reader.TokenType == JsonTokenType.String ? (reader.ValueTextEquals("assistant"u8) ? "assistant" : reader.GetString()) : null;
            }
            else if (reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                Refusal = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    ReadToolCalls(ref reader);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>A string, or the concatenated <c>text</c> of an array of content parts; null otherwise.</summary>
    private static string? ReadText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.ValueSpan.Length == 0 ? string.Empty : reader.GetString();
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        StringBuilder? sb = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (isText && reader.TokenType == JsonTokenType.String)
                {
                    (sb ??= new StringBuilder()).Append(reader.GetString());
                }
                else
                {
                    reader.Skip();
                }
            }
        }

        return sb?.ToString();
    }

    private void ReadToolCalls(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            var call = default(ToolCallFragment);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("index"u8))
                {
                    reader.Read();
                    call.Index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index) ? index : null;
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    call.Id = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("function"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        continue;
                    }

                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("name"u8))
                        {
                            reader.Read();
                            call.Name = reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0 ? reader.GetString() : null;
                        }
                        else if (reader.ValueTextEquals("arguments"u8))
                        {
                            reader.Read();
                            call.Arguments = reader.TokenType switch
                            {
                                JsonTokenType.String => reader.GetString(),
                                JsonTokenType.StartObject => RawObject(ref reader), // some servers send an object, not a string
                                _ => null,
                            };
                        }
                        else
                        {
                            reader.Read();
                            reader.Skip();
                        }
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            ToolCalls.Add(call);
        }
    }

    private static string RawObject(ref Utf8JsonReader reader)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return doc.RootElement.GetRawText();
    }

    private static string InternFinishReason(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("stop"u8) ? "stop"
        : reader.ValueTextEquals("length"u8) ? "length"
        : reader.ValueTextEquals("tool_calls"u8) ? "tool_calls"
        : reader.ValueTextEquals("content_filter"u8) ? "content_filter"
        : reader.GetString()!;
}
