using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>Generates compact JSON valid against a simple JSON schema (types, enum, const, required, nested objects, arrays, $ref, anyOf).</summary>
internal static class JsonValueGenerator
{
    private const int MaxDepth = 6;

    public static string Generate(JsonElement? schema, DeterministicRandom rng, string topic, string? properNoun = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            if (schema is { ValueKind: JsonValueKind.Object } s)
            {
                Write(w, s, s, rng, new Topic(topic, properNoun), null, 0);
            }
            else
            {
                w.WriteStartObject();
                w.WriteEndObject();
            }
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter w, JsonElement schema, JsonElement root, DeterministicRandom rng, Topic topic, string? name, int depth)
    {
        schema = Resolve(schema, root);
        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(w);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[rng.Next(values.GetArrayLength())].WriteTo(w);
            return;
        }

        foreach (var combinator in (string[])["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var options) && options.ValueKind == JsonValueKind.Array && options.GetArrayLength() > 0)
            {
                var chosen = options.EnumerateArray().FirstOrDefault(o => TypeOf(Resolve(o, root)) != "null");
                Write(w, chosen.ValueKind == JsonValueKind.Object ? chosen : options[0], root, rng, topic, name, depth);
                return;
            }
        }

        switch (TypeOf(schema))
        {
            case "object":
                WriteObject(w, schema, root, rng, topic, depth);
                break;
            case "array":
                WriteArray(w, schema, root, rng, topic, name, depth);
                break;
            case "integer":
                w.WriteNumberValue((long)Math.Floor(NumberIn(schema, rng, integer: true)));
                break;
            case "number":
                w.WriteNumberValue(NumberIn(schema, rng, integer: false));
                break;
            case "boolean":
                w.WriteBooleanValue(rng.Next(2) == 1);
                break;
            case "null":
                w.WriteNullValue();
                break;
            default:
                w.WriteStringValue(StringFor(schema, rng, topic, name));
                break;
        }
    }

    private static void WriteObject(Utf8JsonWriter w, JsonElement schema, JsonElement root, DeterministicRandom rng, Topic topic, int depth)
    {
        w.WriteStartObject();
        var required = schema.TryGetProperty("required", out var req) && req.ValueKind == JsonValueKind.Array
            ? req.EnumerateArray().Where(r => r.ValueKind == JsonValueKind.String).Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal)
            : [];
        if (schema.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in props.EnumerateObject())
            {
                // Past the depth limit only required properties are written, so recursive schemas terminate.
                if (p.Value.ValueKind == JsonValueKind.Object && (depth < MaxDepth || required.Contains(p.Name)))
                {
                    w.WritePropertyName(p.Name);
                    Write(w, p.Value, root, rng, topic, p.Name, depth + 1);
                }
            }
        }

        w.WriteEndObject();
    }

    private static void WriteArray(Utf8JsonWriter w, JsonElement schema, JsonElement root, DeterministicRandom rng, Topic topic, string? name, int depth)
    {
        var min = IntProp(schema, "minItems") ?? 0;
        var max = IntProp(schema, "maxItems") ?? Math.Max(min, 3);
        var count = depth >= MaxDepth ? min : Math.Clamp(1 + rng.Next(2), min, max);
        w.WriteStartArray();
        var items = schema.TryGetProperty("items", out var it) && it.ValueKind == JsonValueKind.Object ? it : default;
        for (var i = 0; i < count; i++)
        {
            if (items.ValueKind == JsonValueKind.Object)
            {
                Write(w, items, root, rng, topic, name, depth + 1);
            }
            else
            {
                w.WriteStringValue(StringFor(default, rng, topic, name));
            }
        }

        w.WriteEndArray();
    }

    private static string StringFor(JsonElement schema, DeterministicRandom rng, Topic topic, string? name)
    {
        var format = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var value = format switch
        {
            "date-time" => "2025-01-01T12:00:00Z",
            "date" => "2025-01-01",
            "time" => "12:00:00",
            "email" => "user@example.com",
            "uri" or "url" => "https://example.com/" + Uri.EscapeDataString(topic.Text.Split(' ')[0].ToLowerInvariant()),
            "uuid" => new Guid((int)rng.NextUInt64(), (short)rng.NextUInt64(), (short)rng.NextUInt64(), 1, 2, 3, 4, 5, 6, 7, 8).ToString(),
            _ => PlainString(rng, topic, name),
        };

        if (schema.ValueKind == JsonValueKind.Object)
        {
            var minLength = IntProp(schema, "minLength") ?? 0;
            var maxLength = IntProp(schema, "maxLength") ?? int.MaxValue;
            while (value.Length < minLength)
            {
                value += " " + TextGenerator.Word(rng);
            }

            if (value.Length > maxLength)
            {
                value = value[..maxLength];
            }
        }

        return value;
    }

    private static string PlainString(DeterministicRandom rng, Topic topic, string? name)
    {
        var lower = name?.ToLowerInvariant() ?? string.Empty;
        if (lower.Contains("city", StringComparison.Ordinal) || lower.Contains("location", StringComparison.Ordinal)
            || lower.Contains("place", StringComparison.Ordinal) || lower.Contains("country", StringComparison.Ordinal))
        {
            return topic.ProperNoun ?? "Paris";
        }

        return rng.Next(2) == 0 ? $"{topic.Text} {TextGenerator.Word(rng)}" : topic.Text.Split(' ')[0];
    }

    private static double NumberIn(JsonElement schema, DeterministicRandom rng, bool integer)
    {
        var min = DoubleProp(schema, "minimum") ?? (DoubleProp(schema, "exclusiveMinimum") is { } emin ? emin + 1 : (double?)null);
        var max = DoubleProp(schema, "maximum") ?? (DoubleProp(schema, "exclusiveMaximum") is { } emax ? emax - 1 : (double?)null);
        var lo = min ?? (max is { } mx ? Math.Min(1, mx - 10) : 1);
        var hi = max ?? lo + 9;
        if (hi < lo)
        {
            hi = lo;
        }

        if (integer)
        {
            var ilo = Math.Ceiling(lo);
            var ihi = Math.Floor(hi);
            return ihi < ilo ? ilo : ilo + rng.Next((int)Math.Min(ihi - ilo + 1, int.MaxValue));
        }

        return Math.Round(lo + ((hi - lo) * rng.NextDouble()), 2) is var v && v <= hi ? v : hi;
    }

    private static string TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            return "string";
        }

        if (schema.TryGetProperty("type", out var t))
        {
            if (t.ValueKind == JsonValueKind.String)
            {
                return t.GetString()!;
            }

            if (t.ValueKind == JsonValueKind.Array)
            {
                var types = t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
                return types.FirstOrDefault(x => x != "null") ?? "null";
            }
        }

        return schema.TryGetProperty("properties", out _) ? "object" : schema.TryGetProperty("items", out _) ? "array" : "string";
    }

    private static JsonElement Resolve(JsonElement schema, JsonElement root)
    {
        for (var hops = 0; hops < 16 && schema.ValueKind == JsonValueKind.Object
            && schema.TryGetProperty("$ref", out var r) && r.ValueKind == JsonValueKind.String; hops++)
        {
            var path = r.GetString()!;
            if (path == "#")
            {
                schema = root;
                continue;
            }

            if (!path.StartsWith("#/", StringComparison.Ordinal))
            {
                break;
            }

            var target = root;
            foreach (var segment in path[2..].Split('/'))
            {
                var key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (target.ValueKind != JsonValueKind.Object || !target.TryGetProperty(key, out target))
                {
                    return schema;
                }
            }

            schema = target;
        }

        return schema;
    }

    private static int? IntProp(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;

    private static double? DoubleProp(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    private sealed record Topic(string Text, string? ProperNoun);
}
