using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>Writes a <see cref="MessagesPlan"/> as the Messages API's JSON body or its SSE events (the real event order).</summary>
internal static class MessagesJson
{
    public static byte[] Body(MessagesPlan plan) => WireJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("model", plan.Model);
        w.WriteString("id", plan.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        foreach (var block in plan.Blocks)
        {
            WholeBlock(w, block);
        }

        w.WriteEndArray();
        w.WriteString("stop_reason", plan.StopReason);
        WriteNullable(w, "stop_sequence", plan.StopSequence);
        w.WriteNull("stop_details");
        plan.WriteUsage(w, final: false);
        w.WriteEndObject();
    });

    /// <summary>message_start, then per block start / ping (after the first) / deltas / stop, then message_delta and message_stop.</summary>
    public static List<SseEvent> Events(MessagesPlan plan)
    {
        var events = new List<SseEvent>
        {
            Event("message_start", 0, w =>
            {
                w.WriteString("type", "message_start");
                w.WriteStartObject("message");
                w.WriteString("model", plan.Model);
                w.WriteString("id", plan.Id);
                w.WriteString("type", "message");
                w.WriteString("role", "assistant");
                w.WriteStartArray("content");
                w.WriteEndArray();
                w.WriteNull("stop_reason");
                w.WriteNull("stop_sequence");
                w.WriteNull("stop_details");
                plan.WriteUsage(w, final: false, start: true);
                w.WriteEndObject();
            }),
        };

        for (var index = 0; index < plan.Blocks.Count; index++)
        {
            var block = plan.Blocks[index];
            var i = index;
            events.Add(Event("content_block_start", 0, w =>
            {
                w.WriteString("type", "content_block_start");
                w.WriteNumber("index", i);
                w.WritePropertyName("content_block");
                StartBlock(w, block);
            }));
            if (i == 0)
            {
                events.Add(new SseEvent("event: ping\ndata: {\"type\": \"ping\"}\n\n"u8.ToArray(), 0, false));
            }

            switch (block.Type)
            {
                case "thinking":
                    foreach (var piece in Pieces(plan.EmulatedModel, block.Text))
                    {
                        events.Add(Delta(i, EmulatorTokenizer.Count(piece), "thinking_delta", "thinking", piece));
                    }

                    events.Add(Delta(i, 0, "signature_delta", "signature", block.Signature!));
                    break;
                case "text":
                    foreach (var piece in Pieces(plan.EmulatedModel, block.Text))
                    {
                        events.Add(Delta(i, EmulatorTokenizer.Count(piece), "text_delta", "text", piece));
                    }

                    break;
                case "tool_use":
                    events.Add(Delta(i, 0, "input_json_delta", "partial_json", string.Empty));
                    foreach (var fragment in Fragments(block.Text))
                    {
                        events.Add(Delta(i, EmulatorTokenizer.Count(fragment), "input_json_delta", "partial_json", fragment));
                    }

                    break;
            }

            events.Add(Event("content_block_stop", 0, w =>
            {
                w.WriteString("type", "content_block_stop");
                w.WriteNumber("index", i);
            }));
        }

        events.Add(Event("message_delta", 0, w =>
        {
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", plan.StopReason);
            WriteNullable(w, "stop_sequence", plan.StopSequence);
            w.WriteNull("stop_details");
            w.WriteEndObject();
            plan.WriteUsage(w, final: true);
        }));
        events.Add(Event("message_stop", 0, w => w.WriteString("type", "message_stop")));
        return events;
    }

    /// <summary>An <c>event: error</c> inside a 200 stream, as the real service sends when it is overloaded mid-answer.</summary>
    public static byte[] StreamError(string requestId) => Encoding.UTF8.GetBytes(
        "event: error\ndata: " + AnthropicErrors.Body("overloaded_error", "Overloaded", requestId) + "\n\n");

    public static byte[] Broken() => "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"bro\n\n"u8.ToArray();

    private static void WholeBlock(Utf8JsonWriter w, MessagesBlock block)
    {
        w.WriteStartObject();
        w.WriteString("type", block.Type);
        switch (block.Type)
        {
            case "thinking":
                w.WriteString("thinking", block.Text);
                w.WriteString("signature", block.Signature);
                break;
            case "redacted_thinking":
                w.WriteString("data", block.Text);
                break;
            case "text":
                w.WriteString("text", block.Text);
                break;
            case "tool_use":
                w.WriteString("id", block.ToolId);
                w.WriteString("name", block.ToolName);
                w.WritePropertyName("input");
                w.WriteRawValue(block.Text);
                break;
        }

        w.WriteEndObject();
    }

    private static void StartBlock(Utf8JsonWriter w, MessagesBlock block)
    {
        switch (block.Type)
        {
            case "thinking":
                w.WriteStartObject();
                w.WriteString("type", "thinking");
                w.WriteString("thinking", string.Empty);
                w.WriteString("signature", string.Empty);
                w.WriteEndObject();
                break;
            case "text":
                w.WriteStartObject();
                w.WriteString("type", "text");
                w.WriteString("text", string.Empty);
                w.WriteEndObject();
                break;
            case "tool_use":
                w.WriteStartObject();
                w.WriteString("type", "tool_use");
                w.WriteString("id", block.ToolId);
                w.WriteString("name", block.ToolName);
                w.WriteStartObject("input");
                w.WriteEndObject();
                w.WriteEndObject();
                break;
            default: // redacted_thinking arrives whole
                WholeBlock(w, block);
                break;
        }
    }

    private static List<string> Pieces(EmulatedModel model, string text) =>
        model.Chunking == StreamChunking.Token ? EmulatorTokenizer.SplitTokens(text) : EmulatorTokenizer.SplitWords(text);

    /// <summary>Splits tool input JSON every few characters, inside keys and values, as the real service does.</summary>
    private static IEnumerable<string> Fragments(string json)
    {
        for (var start = 0; start < json.Length; start += 7)
        {
            yield return json.Substring(start, Math.Min(7, json.Length - start));
        }
    }

    private static SseEvent Delta(int index, int tokens, string deltaType, string field, string value) =>
        Event("content_block_delta", tokens, w =>
        {
            w.WriteString("type", "content_block_delta");
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            w.WriteString("type", deltaType);
            w.WriteString(field, value);
            w.WriteEndObject();
        });

    private static SseEvent Event(string name, int tokens, Action<Utf8JsonWriter> members)
    {
        var json = WireJson.Write(w =>
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        });
        var text = Encoding.UTF8.GetBytes("event: " + name + "\ndata: ");
        var bytes = new byte[text.Length + json.Length + 2];
        text.CopyTo(bytes, 0);
        json.CopyTo(bytes, text.Length);
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return new SseEvent(bytes, tokens, tokens > 0);
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
