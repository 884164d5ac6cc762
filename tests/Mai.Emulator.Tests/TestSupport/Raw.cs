using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Mai.Emulator.Tests.TestSupport;

/// <summary>Plain HttpClient access for byte-level assertions.</summary>
internal static class Raw
{
    public static HttpClient Client(MaiEmulator emu) => new() { BaseAddress = emu.Endpoint, Timeout = Timeout.InfiniteTimeSpan };

    public static string Body(string model, string prompt, bool stream = false, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}],"stream":{{(stream ? "true" : "false")}}{{extra}}}""";

    public static HttpRequestMessage Post(MaiEmulator emu, string json, string path = "/chat/completions", string? fault = null, string? key = "")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        var apiKey = key == "" ? emu.ApiKey : key;
        if (apiKey is not null)
        {
            request.Headers.Add("api-key", apiKey);
        }

        if (fault is not null)
        {
            request.Headers.Add(EmulatorFault.HeaderName, fault);
        }

        return request;
    }

    public static async Task<(HttpResponseMessage Response, JsonDocument Json)> PostJsonAsync(MaiEmulator emu, string json, string path = "/chat/completions", string? fault = null)
    {
        using var http = Client(emu);
        var response = await http.SendAsync(Post(emu, json, path, fault), Clients.Deadline());
        var text = await response.Content.ReadAsStringAsync(Clients.Deadline());
        return (response, JsonDocument.Parse(text));
    }

    /// <summary>Reads a whole SSE body and returns the payload of every <c>data:</c> line, in order.</summary>
    public static async Task<List<string>> ReadSseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var data = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line["data: ".Length..]);
            }
        }

        return data;
    }

    public static async Task<List<string>> StreamAsync(MaiEmulator emu, string json, string path = "/chat/completions", string? fault = null)
    {
        using var http = Client(emu);
        using var response = await http.SendAsync(Post(emu, json, path, fault), HttpCompletionOption.ResponseHeadersRead, Clients.Deadline());
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(new MediaTypeHeaderValue("text/event-stream") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        return await ReadSseAsync(response, Clients.Deadline());
    }

    /// <summary>The chunk objects (everything but [DONE]).</summary>
    public static List<JsonElement> Chunks(IEnumerable<string> data) =>
        data.Where(d => d != "[DONE]").Select(d => JsonDocument.Parse(d).RootElement).ToList();

    public static string Content(IEnumerable<JsonElement> chunks, string field = "content") => string.Concat(
        chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.String)
            .Select(d => d.GetProperty(field).GetString()));
}
