using System.IO.Compression;
using System.Text;
using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace Mai.Client.Tests.Recordings.Anthropic;

/// <summary>One recorded Messages API exchange: the file, the interaction index, whether it streamed, and the response as sent (gunzipped).</summary>
public sealed record AnthropicExchange(string File, int Index, bool Streaming, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public bool IsEventStream => Headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("event-stream", StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{File}#{Index}";
}

/// <summary>
/// Loads ../shared/fixtures/recorded-anthropic (see its PROVENANCE.md): vcrpy YAML (<c>parsed_body</c>, raw <c>body.string</c>, or
/// <c>!!binary</c> gzip), Ruby VCR YAML (<c>http_interactions</c>, <c>!binary</c> base64), a Polly.JS HAR, and the vercel chunk files
/// (one <c>data:</c> payload per line, framed here as SSE).
/// </summary>
public static class AnthropicRecordingLoader
{
    private static readonly HashSet<string> s_hopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Content-Encoding", "Connection", "Keep-Alive",
    };

    public static string? FindRoot()
    {
        if (TestSupport.Repository.TryFindRoot() is not { } checkout)
        {
            return null;
        }

        var root = Path.GetFullPath(Path.Combine(checkout, "..", "shared", "fixtures", "recorded-anthropic"));
        return Directory.Exists(root) ? root : null;
    }

    public static List<AnthropicExchange> LoadAll(string root)
    {
        var all = new List<AnthropicExchange>();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(root, path).Replace('\\', '/');
            switch (Path.GetExtension(path))
            {
                case ".yaml" or ".yml":
                    all.AddRange(LoadYaml(file, path));
                    break;
                case ".har":
                    all.AddRange(LoadHar(file, path));
                    break;
                case ".txt":
                    var sse = string.Concat(File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => "data: " + l + "\n\n"));
                    all.Add(new(file, 0, true, 200, [new("Content-Type", "text/event-stream; charset=utf-8")], Encoding.UTF8.GetBytes(sse)));
                    break;
                case ".json":
                    all.Add(new(file, 0, false, 200, [new("Content-Type", "application/json")], File.ReadAllBytes(path)));
                    break;
            }
        }

        return all;
    }

    private static IEnumerable<AnthropicExchange> LoadHar(string file, string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var index = 0;
        foreach (var entry in doc.RootElement.GetProperty("log").GetProperty("entries").EnumerateArray())
        {
            var i = index++;
            var response = entry.GetProperty("response");
            var headers = response.GetProperty("headers").EnumerateArray()
                .Select(h => new KeyValuePair<string, string>(h.GetProperty("name").GetString()!, h.GetProperty("value").GetString()!))
                .Where(h => !s_hopHeaders.Contains(h.Key)).ToList();
            var requestText = entry.GetProperty("request").TryGetProperty("postData", out var post) ? post.GetProperty("text").GetString() : "{}";
            yield return new(file, i, Streams(requestText), response.GetProperty("status").GetInt32(), headers,
                Encoding.UTF8.GetBytes(response.GetProperty("content").GetProperty("text").GetString() ?? string.Empty));
        }
    }

    private static IEnumerable<AnthropicExchange> LoadYaml(string file, string path)
    {
        var yaml = new YamlStream();
        using (var reader = File.OpenText(path))
        {
            yaml.Load(reader);
        }

        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var interactions = (YamlSequenceNode)(Child(root, "interactions") ?? Child(root, "http_interactions")!);
        var index = 0;
        foreach (YamlMappingNode interaction in interactions)
        {
            var i = index++;
            var request = (YamlMappingNode)interaction["request"];
            var requestJson = Child(request, "parsed_body") is { } parsedRequest ? ToJson(parsedRequest)
                : Child(request, "body") is YamlScalarNode { Value: { Length: > 0 } raw } ? raw
                : Child(request, "body") is YamlMappingNode requestBody && Child(requestBody, "string") is YamlScalarNode { Value: { Length: > 0 } s } ? s
                : "{}";

            var response = (YamlMappingNode)interaction["response"];
            var status = int.Parse(((YamlScalarNode)((YamlMappingNode)response["status"])["code"]).Value!, System.Globalization.CultureInfo.InvariantCulture);
            var headers = new List<KeyValuePair<string, string>>();
            var gzip = false;
            foreach (var (name, values) in (YamlMappingNode)response["headers"])
            {
                var headerName = ((YamlScalarNode)name).Value!;
                var list = values is YamlSequenceNode seq ? seq.Select(v => ((YamlScalarNode)v).Value ?? string.Empty).ToList() : [((YamlScalarNode)values).Value ?? string.Empty];
                gzip |= headerName.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase) && list.Any(v => v.Contains("gzip", StringComparison.OrdinalIgnoreCase));
                if (!s_hopHeaders.Contains(headerName))
                {
                    headers.AddRange(list.Select(v => new KeyValuePair<string, string>(headerName, v)));
                }
            }

            byte[] body;
            if (Child(response, "parsed_body") is { } parsed)
            {
                body = Encoding.UTF8.GetBytes(ToJson(parsed));
            }
            else
            {
                var scalar = (YamlScalarNode)((YamlMappingNode)response["body"])["string"];
                var binary = !scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value is "tag:yaml.org,2002:binary" or "!binary";
                body = binary ? Convert.FromBase64String(scalar.Value!.Replace("\n", string.Empty, StringComparison.Ordinal)) : Encoding.UTF8.GetBytes(scalar.Value ?? string.Empty);
                if (binary && body.Length > 2 && body[0] == 0x1f && body[1] == 0x8b)
                {
                    using var input = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
                    using var output = new MemoryStream();
                    input.CopyTo(output);
                    body = output.ToArray();
                }
            }

            yield return new(file, i, Streams(requestJson), status, headers, body);
        }
    }

    private static bool Streams(string? requestJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(requestJson ?? "{}");
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

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
                var text = scalar.Value ?? string.Empty;
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
                else if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d) && text.Any(char.IsDigit))
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
