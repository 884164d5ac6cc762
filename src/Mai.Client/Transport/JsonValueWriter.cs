using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Writes an <see cref="ChatOptions.AdditionalProperties"/> value as JSON without a detour through strings.</summary>
internal static class JsonValueWriter
{
    /// <summary>M.E.AI's serializer options (its type resolvers), compact and without HTML-oriented escaping, as JSON over HTTP needs.</summary>
    private static readonly JsonSerializerOptions s_options = CreateOptions();

    /// <summary>Gets the escaping used for every string written into a request body.</summary>
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static JsonTypeInfo TypeInfo(Type type) => s_options.GetTypeInfo(type);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { WriteIndented = false, Encoder = Encoder };
        options.MakeReadOnly();
        return options;
    }

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case BinaryData raw:
                writer.WriteRawValue(raw.ToMemory().Span); // a raw JSON fragment, as the SDK's AdditionalProperties take
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            default:
                JsonSerializer.Serialize(writer, value, TypeInfo(value.GetType()));
                break;
        }
    }
}
