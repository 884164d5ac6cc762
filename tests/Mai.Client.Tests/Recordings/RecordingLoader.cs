using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Mai.Client.Tests.Recordings;

/// <summary>
/// Loads the chat-completions exchanges of ../shared/fixtures/recorded: Azure test-proxy JSON (<c>Entries[]</c>, response body as an
/// object or as an array of raw SSE strings), vcrpy YAML cassettes (<c>parsed_body</c> re-emitted as JSON, or raw <c>body.string</c>)
/// and semantic-kernel raw <c>.json</c>/<c>.txt</c> bodies.
/// </summary>
public static class RecordingLoader
{
    private static readonly HashSet<string> s_hopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive",
    };

    /// <summary>Finds the recordings beside the checkout: the folder holding Mai.sln, then ../shared/fixtures/recorded.</summary>
    public static string? FindRoot()
    {
        if (TestSupport.Repository.TryFindRoot() is not { } checkout)
        {
            return null;
        }

        var root = Path.GetFullPath(Path.Combine(checkout, "..", "shared", "fixtures", "recorded"));
        return Directory.Exists(root) ? root : null;
    }

    public static List<RecordedExchange> LoadAll(string root)
    {
        var all = new List<RecordedExchange>();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(root, path).Replace('\\', '/');
            switch (Path.GetExtension(path))
            {
                case ".json":
                    all.AddRange(LoadJson(file, path));
                    break;
                case ".yaml":
                    all.AddRange(LoadYaml(file, path));
                    break;
                case ".txt":
                    all.Add(new(file, 0, true, 200, [new("Content-Type", "text/event-stream; charset=utf-8")], File.ReadAllBytes(path)));
                    break;
            }
        }

        return all;
    }

    private static IEnumerable<RecordedExchange> LoadJson(string file, string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        if (!doc.RootElement.TryGetProperty("Entries", out var entries))
        {
            yield return new(file, 0, false, 200, [new("Content-Type", "application/json")], File.ReadAllBytes(path)); // a raw body
            yield break;
        }

        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var i = index++;
            if (!entry.GetProperty("RequestUri").GetString()!.Contains("/chat/completions", StringComparison.Ordinal))
            {
                continue;
            }

            var streaming = entry.TryGetProperty("RequestBody", out var request) && request.ValueKind == JsonValueKind.Object
                && request.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;
            var headers = entry.GetProperty("ResponseHeaders").EnumerateObject()
                .Where(h => !s_hopHeaders.Contains(h.Name))
                .SelectMany(h => h.Value.ValueKind == JsonValueKind.Array ? h.Value.EnumerateArray().Select(v => (h.Name, v.GetString())) : [(h.Name, h.Value.GetString())])
                .Select(h => new KeyValuePair<string, string>(h.Name, h.Item2 ?? "")).ToList();
            var body = entry.GetProperty("ResponseBody");
            var bytes = body.ValueKind switch
            {
                JsonValueKind.Array => Encoding.UTF8.GetBytes(string.Concat(body.EnumerateArray().Select(e => e.GetString()))),
                JsonValueKind.String => Encoding.UTF8.GetBytes(body.GetString()!),
                JsonValueKind.Null => [],
                _ => Encoding.UTF8.GetBytes(body.GetRawText()),
            };
            yield return new(file, i, streaming, entry.GetProperty("StatusCode").GetInt32(), headers, bytes);
        }
    }

    private static IEnumerable<RecordedExchange> LoadYaml(string file, string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        var interactions = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["interactions"];
        var index = 0;
        foreach (YamlMappingNode interaction in interactions)
        {
            var i = index++;
            var request = (YamlMappingNode)interaction["request"];
            if (!((YamlScalarNode)request["uri"]).Value!.Contains("/chat/completions", StringComparison.Ordinal))
            {
                continue;
            }

            var requestJson = Child(request, "parsed_body") is { } parsedRequest ? ToJson(parsedRequest)
                : Child(request, "body") is YamlScalarNode { Value: { Length: > 0 } raw } ? raw : "{}";
            using var requestDoc = JsonDocument.Parse(requestJson);
            var streaming = requestDoc.RootElement.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True;

            var response = (YamlMappingNode)interaction["response"];
            var status = int.Parse(((YamlScalarNode)((YamlMappingNode)response["status"])["code"]).Value!, System.Globalization.CultureInfo.InvariantCulture);
            var headers = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in (YamlMappingNode)response["headers"])
            {
                var headerName = ((YamlScalarNode)name).Value!;
                if (!s_hopHeaders.Contains(headerName))
                {
                    headers.AddRange(((YamlSequenceNode)values).Select(v => new KeyValuePair<string, string>(headerName, ((YamlScalarNode)v).Value ?? "")));
                }
            }

            var body = Child(response, "parsed_body") is { } parsed ? ToJson(parsed)
                : ((YamlScalarNode)((YamlMappingNode)response["body"])["string"]).Value ?? "";
            yield return new(file, i, streaming, status, headers, Encoding.UTF8.GetBytes(body));
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>Re-emits a YAML tree as JSON; plain scalars get their YAML core-schema type (null, bool, number), quoted ones stay strings.</summary>
    private static string ToJson(YamlNode node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                writer.WriteStartObject();
                foreach (var (key, value) in map)
                {
                    writer.WritePropertyName(((YamlScalarNode)key).Value!);
                    Write(writer, value);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode seq:
                writer.WriteStartArray();
                foreach (var item in seq)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                var text = scalar.Value ?? "";
                if (scalar.Style != YamlDotNet.Core.ScalarStyle.Plain)
                {
                    writer.WriteStringValue(text);
                }
                else if (text is "null" or "~" or "")
                {
                    writer.WriteNullValue();
                }
                else if (text is "true" or "false")
                {
                    writer.WriteBooleanValue(text == "true");
                }
                else if (long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var l))
                {
                    writer.WriteNumberValue(l);
                }
                else if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)
                    && text.Any(char.IsDigit))
                {
                    writer.WriteNumberValue(d);
                }
                else
                {
                    writer.WriteStringValue(text);
                }

                break;
        }
    }
}
