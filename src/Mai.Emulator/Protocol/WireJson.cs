using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>JSON writing as real services do it: compact, UTF-8, no HTML escaping of quotes and apostrophes.</summary>
internal static class WireJson
{
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(w);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static void WriteUsage(Utf8JsonWriter w, int promptTokens, int completionTokens, int reasoningTokens, int cachedTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", promptTokens);
        w.WriteNumber("completion_tokens", completionTokens);
        w.WriteNumber("total_tokens", promptTokens + completionTokens);
        w.WriteStartObject("completion_tokens_details");
        w.WriteNumber("reasoning_tokens", reasoningTokens);
        w.WriteEndObject();
        w.WriteStartObject("prompt_tokens_details");
        w.WriteNumber("cached_tokens", cachedTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
