using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Generation;

public sealed class TokenAccountingTests
{
    private static JsonElement Usage(JsonDocument d) => d.RootElement.GetProperty("usage");

    private static string Content(JsonDocument d) => d.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    [Fact]
    public async Task PromptTokens_MultipleMessagesWithName_FollowTheCookbookRule()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        const string body = """
            {"model":"gpt-4o","messages":[
              {"role":"system","content":"You are terse."},
              {"role":"user","name":"alice","content":[{"type":"text","text":"Hello "},{"type":"image_url","image_url":{"url":"data:image/png;base64,AQID"}},{"type":"text","text":"there"}]},
              {"role":"assistant","content":"Hi."},
              {"role":"user","content":"Explain tides in one line."}]}
            """;

        var (_, json) = await Raw.PostJsonAsync(emu, body);

        var expected = 3
            + (3 + Tok.Count("system") + Tok.Count("You are terse."))
            + (3 + Tok.Count("user") + Tok.Count("Hello there") + Tok.Count("alice") + 1)
            + (3 + Tok.Count("assistant") + Tok.Count("Hi."))
            + (3 + Tok.Count("user") + Tok.Count("Explain tides in one line."));
        Assert.Equal(expected, Usage(json).GetProperty("prompt_tokens").GetInt32());
    }

    [Fact]
    public async Task PromptTokens_WithToolsAndToolCalls_CountNamesArgumentsAndSchemas()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        const string parameters = """{"type":"object","properties":{"city":{"type":"string"}}}""";
        var body = $$$"""
            {"model":"gpt-4o","messages":[
              {"role":"user","content":"Weather?"},
              {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_1","content":"20C"}],
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{{{parameters}}}}}]}
            """;

        var (_, json) = await Raw.PostJsonAsync(emu, body);

        var expected = 3
            + (3 + Tok.Count("user") + Tok.Count("Weather?"))
            + (3 + Tok.Count("assistant") + Tok.Count("get_weather") + Tok.Count("""{"city":"Paris"}"""))
            + (3 + Tok.Count("tool") + Tok.Count("20C"))
            + Tok.Count("get_weather") + Tok.Count("Get weather") + Tok.Count(parameters);
        Assert.Equal(expected, Usage(json).GetProperty("prompt_tokens").GetInt32());
        Assert.StartsWith("Based on the get_weather result, 20C.", Content(json));
    }

    [Theory]
    [InlineData("gpt-4o", "max_tokens", 5)]
    [InlineData("gpt-4o", "max_completion_tokens", 12)]
    [InlineData("DeepSeek-R1", "max_tokens", 1000)]
    public async Task MaxTokens_Limit_StopsExactlyAtTheLimitWithLength(string model, string field, int limit)
    {
        var options = new MaiEmulatorOptions { Models = { EmulatedModel.Gpt4o, EmulatedModel.DeepSeekR1 with { ReasoningWords = 60, AnswerWords = 2000 } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var (_, json) = await Raw.PostJsonAsync(emu, Raw.Body(model, "Explain tides", extra: $",\"{field}\":{limit}"));

        Assert.Equal("length", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(limit, Usage(json).GetProperty("completion_tokens").GetInt32());
        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        var reasoning = message.TryGetProperty("reasoning_content", out var r) ? r.GetString() : null;
        Assert.Equal(limit, Tok.Count(reasoning) + Tok.Count(message.GetProperty("content").GetString()));
    }

    [Fact]
    public async Task MaxTokens_SmallerThanReasoning_ReasoningIsCutAndAnswerEmpty()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (_, json) = await Raw.PostJsonAsync(emu, Raw.Body("DeepSeek-R1", "Explain tides", extra: ",\"max_tokens\":10"));

        var message = json.RootElement.GetProperty("choices")[0].GetProperty("message");
        Assert.Equal(string.Empty, message.GetProperty("content").GetString());
        Assert.Equal(10, Tok.Count(message.GetProperty("reasoning_content").GetString()));
        Assert.Equal(10, Usage(json).GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal("length", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Stop_SequenceInTheAnswer_CutsBeforeItWithStop()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var (_, full) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "Explain tides"));
        var text = Content(full);
        var stop = text.Split(' ')[6];

        var (_, cut) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "Explain tides", extra: $",\"stop\":[\"zzz\",\"{stop}\"]"));

        Assert.Equal(text[..text.IndexOf(stop, StringComparison.Ordinal)], Content(cut));
        Assert.Equal("stop", cut.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(Tok.Count(Content(cut)), Usage(cut).GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task ContextWindow_PromptPlusMaxTokensExceedIt_Returns400WithRealMessage()
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "small", ContextWindow = 50 } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        var prompt = Tok.Prompt(("user", "Explain tides"));

        var (ok, _) = await Raw.PostJsonAsync(emu, Raw.Body("small", "Explain tides", extra: $",\"max_tokens\":{50 - prompt}"));
        var (tooBig, json) = await Raw.PostJsonAsync(emu, Raw.Body("small", "Explain tides", extra: $",\"max_tokens\":{51 - prompt}"));

        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(400, (int)tooBig.StatusCode);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(
            $"This model's maximum context length is 50 tokens. However, you requested 51 tokens ({prompt} in the messages, {51 - prompt} in the completion). Please reduce the length of the messages or completion.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task PromptCaching_RepeatedLongPrefix_ReportsCachedTokensIn128Blocks()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { SimulatePromptCaching = true }, Clients.Deadline());
        var system = string.Join(' ', Enumerable.Range(0, 1500).Select(i => $"rule{i % 97}"));
        string Body(string question) => $$"""{"model":"gpt-4o","messages":[{"role":"system","content":"{{system}}"},{"role":"user","content":"{{question}}"}]}""";

        var (_, first) = await Raw.PostJsonAsync(emu, Body("First question?"));
        var (_, second) = await Raw.PostJsonAsync(emu, Body("Second question?"));
        var (_, shortPrompt) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "hi"));

        static int Cached(JsonDocument d) => d.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32();
        Assert.Equal(0, Cached(first));
        var cached = Cached(second);
        var prompt = second.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32();
        Assert.True(prompt >= 1024);
        Assert.Equal(0, cached % 128);
        Assert.InRange(cached, prompt - 128 - 20, prompt);
        Assert.Equal(0, Cached(shortPrompt));
    }
}
