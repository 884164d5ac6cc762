using System.Net;
using System.Text;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Anthropic;

/// <summary>The Messages API route at the byte level: headers, errors, faults, caching, thinking checks and unknown models on both routes.</summary>
public sealed class MessagesRouteTests
{
    private const string Path = "/anthropic/v1/messages";

    private static string Body(string model, string prompt, bool stream = false, string extra = "") =>
        $$"""{"model":"{{model}}","max_tokens":2048,"messages":[{"role":"user","content":{{JsonSerializer.Serialize(prompt)}}}],"stream":{{(stream ? "true" : "false")}}{{extra}}}""";

    private static HttpRequestMessage Post(MaiEmulator emu, string json, string? fault = null, string keyHeader = "x-api-key", bool version = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(keyHeader, emu.ApiKey);
        if (version)
        {
            request.Headers.Add("anthropic-version", "2023-06-01");
        }

        if (fault is not null)
        {
            request.Headers.Add(EmulatorFault.HeaderName, fault);
        }

        return request;
    }

    private static async Task<(HttpResponseMessage Response, string Text)> SendAsync(MaiEmulator emu, HttpRequestMessage request)
    {
        using var http = Raw.Client(emu);
        var response = await http.SendAsync(request, Clients.Deadline());
        return (response, await response.Content.ReadAsStringAsync(Clients.Deadline()));
    }

    private static List<(string Event, JsonElement Data)> Events(string sse) =>
        [.. sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(frame =>
        {
            var lines = frame.Split('\n');
            return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement);
        })];

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("api-key")]
    public async Task Post_EitherKeyHeader_IsAccepted(string header)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi"), keyHeader: header));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("req_011C", response.Headers.GetValues("request-id").Single(), StringComparison.Ordinal);
        Assert.Equal("3999", response.Headers.GetValues("anthropic-ratelimit-requests-remaining").Single());
        Assert.Equal("message", JsonDocument.Parse(text).RootElement.GetProperty("type").GetString());
        Assert.Equal("REDACTED", emu.Requests[^1].Headers[header]);
    }

    [Fact]
    public async Task Post_UnknownModel_Is404NotFoundError()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-7", "hi")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("false", response.Headers.GetValues("x-should-retry").Single());
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal("not_found_error", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("model: claude-opus-4-7", root.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(response.Headers.GetValues("request-id").Single(), root.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Post_ChatCompletionsModelOnMessagesRoute_Is404()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, _) = await SendAsync(emu, Post(emu, Body("MAI-Thinking-1", "hi")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData("claude-opus-4-6")]
    [InlineData("MAI-Thinking-2")]
    public async Task ChatCompletions_ClaudeOrMisspeltModel_Is400UnknownModelByDefault(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Raw.Body(model, "hi"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unknown_model", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal($"Unknown model: {model}", json.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_WithoutAnthropicVersion_Is400()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi"), version: false));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("anthropic-version: header is required", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutMaxTokens_Is400NamingIt()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, """{"model":"claude-opus-4-6","messages":[{"role":"user","content":"hi"}]}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("max_tokens: Field required", JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Stream_WithThinking_RealEventOrderWithPingAndSignatureDelta()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (_, sse) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "Why is the sky blue?", stream: true, extra: ""","thinking":{"type":"enabled","budget_tokens":1024}""")));

        var events = Events(sse);
        var names = events.Select(e => e.Event).Where(n => n != "content_block_delta").ToList();
        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_stop", "content_block_start", "content_block_stop", "message_delta", "message_stop"], names);
        var deltas = events.Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("type").GetString()).ToList();
        var firstSignature = deltas.IndexOf("signature_delta");
        Assert.True(firstSignature > 0 && deltas.Take(firstSignature).All(d => d == "thinking_delta"));
        Assert.All(deltas.Skip(firstSignature + 1), d => Assert.Equal("text_delta", d));
        var startUsage = events[0].Data.GetProperty("message").GetProperty("usage");
        var finalUsage = events[^2].Data.GetProperty("usage");
        Assert.Equal(1, startUsage.GetProperty("output_tokens").GetInt32());
        Assert.True(finalUsage.GetProperty("output_tokens").GetInt32() > finalUsage.GetProperty("output_tokens_details").GetProperty("thinking_tokens").GetInt32());
        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Post_CacheControl_FirstCallWritesSecondReads()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var longSystem = string.Concat(Enumerable.Repeat("The handbook says the sky is blue because of Rayleigh scattering. ", 120));
        var body = $$$"""{"model":"claude-opus-4-6","max_tokens":1024,"system":[{"type":"text","text":{{{JsonSerializer.Serialize(longSystem)}}},"cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"Why?"}]}""";

        var (_, first) = await SendAsync(emu, Post(emu, body));
        var (_, second) = await SendAsync(emu, Post(emu, body));

        var u1 = JsonDocument.Parse(first).RootElement.GetProperty("usage");
        var u2 = JsonDocument.Parse(second).RootElement.GetProperty("usage");
        var cached = Tok.Count("system\n" + longSystem + "\n");
        Assert.Equal(cached, u1.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(0, u1.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(0, u2.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(cached, u2.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(u1.GetProperty("input_tokens").GetInt32(), u2.GetProperty("input_tokens").GetInt32());
        Assert.Equal(Tok.Prompt(("system", longSystem), ("user", "Why?")) - cached, u2.GetProperty("input_tokens").GetInt32());
    }

    [Fact]
    public async Task Post_ThinkingBlockWithForgedSignature_Is400()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var body = """{"model":"claude-opus-4-6","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":1024},"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"thinking","thinking":"I think","signature":"forged"},{"type":"text","text":"Hello"}]},{"role":"user","content":"more"}]}""";

        var (response, text) = await SendAsync(emu, Post(emu, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("messages.1.content.0: Invalid `signature` in `thinking` block", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ToolUseTurnWithoutThinkingBlockWhileThinking_Is400()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var body = """{"model":"claude-opus-4-6","max_tokens":4096,"thinking":{"type":"enabled","budget_tokens":1024},"tools":[{"name":"f","input_schema":{"type":"object"}}],"messages":[{"role":"user","content":"call f"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_01","name":"f","input":{}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"ok"}]}]}""";

        var (response, text) = await SendAsync(emu, Post(emu, body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Expected `thinking` or `redacted_thinking`, but found `tool_use`", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_StreamedToolUse_InputJsonDeltasConcatenateToTheWholeInput()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var tools = ""","tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}]""";

        var (_, whole) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "Use get_weather for Paris", extra: tools)));
        var (_, sse) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "Use get_weather for Paris", stream: true, extra: tools)));

        var input = JsonDocument.Parse(whole).RootElement.GetProperty("content")[0].GetProperty("input").GetRawText();
        var fragments = Events(sse).Where(e => e.Event == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("partial_json").GetString()!).ToList();
        Assert.Equal(string.Empty, fragments[0]);
        Assert.True(fragments.Count > 2);
        Assert.Equal(input, string.Concat(fragments));
        Assert.Equal("tool_use", JsonDocument.Parse(whole).RootElement.GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData("429;retry-after=16", 429, "rate_limit_error", "true")]
    [InlineData("529", 529, "overloaded_error", "true")]
    [InlineData("500", 500, "api_error", "true")]
    public async Task Post_ErrorFaults_HaveAnthropicBodiesAndRetryHeaders(string fault, int status, string type, string shouldRetry)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi"), fault));

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(shouldRetry, response.Headers.GetValues("x-should-retry").Single());
        Assert.Equal(type, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("type").GetString());
        if (status == 429)
        {
            Assert.Equal("16", response.Headers.GetValues("retry-after").Single());
            Assert.Equal("0", response.Headers.GetValues("anthropic-ratelimit-input-tokens-remaining").Single());
        }
    }

    [Fact]
    public async Task Stream_StreamErrorFault_ErrorEventAfterNEventsThenEnd()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (_, sse) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi", stream: true), "stream-error;after=3"));

        var events = Events(sse);
        Assert.Equal(["message_start", "content_block_start", "ping", "error"], events.Select(e => e.Event));
        Assert.Equal("overloaded_error", events[3].Data.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Stream_TruncateFault_EndsWithoutMessageStop()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (_, sse) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi", stream: true), "truncate;after=5"));

        Assert.Equal(5, Events(sse).Count);
    }

    [Fact]
    public async Task Post_ContentFilterFault_IsRefusalStopReason()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "hi"), "content-filter"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("refusal", root.GetProperty("stop_reason").GetString());
        Assert.Equal(0, root.GetProperty("content").GetArrayLength());
    }

    [Fact]
    public async Task Post_StopSequenceInAnswer_StopReasonStopSequence()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var (_, plain) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "Why is the sky blue?")));
        var answer = JsonDocument.Parse(plain).RootElement.GetProperty("content")[0].GetProperty("text").GetString()!;
        var stop = answer.Split(' ')[3];

        var (_, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", "Why is the sky blue?", extra: $$""","stop_sequences":["{{stop}}"]""")));

        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("stop_sequence", root.GetProperty("stop_reason").GetString());
        Assert.Equal(stop, root.GetProperty("stop_sequence").GetString());
        Assert.Equal(answer[..answer.IndexOf(stop, StringComparison.Ordinal)], root.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Post_RedactedThinkingMagicString_ReturnsOpaqueRedactedBlock()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var prompt = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB";

        var (_, text) = await SendAsync(emu, Post(emu, Body("claude-opus-4-6", prompt, extra: ""","thinking":{"type":"enabled","budget_tokens":1024}""")));

        var first = JsonDocument.Parse(text).RootElement.GetProperty("content")[0];
        Assert.Equal("redacted_thinking", first.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("data").GetString()));
    }

    [Fact]
    public async Task ModelLists_SplitByRoute()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);
        http.DefaultRequestHeaders.Add("x-api-key", emu.ApiKey);

        var anthropic = JsonDocument.Parse(await http.GetStringAsync(new Uri("/anthropic/v1/models", UriKind.Relative), Clients.Deadline())).RootElement;
        var openai = JsonDocument.Parse(await http.GetStringAsync(new Uri("/openai/v1/models", UriKind.Relative), Clients.Deadline())).RootElement;

        Assert.Equal(["claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5"], anthropic.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(["MAI-Thinking-1", "DeepSeek-R1", "gpt-4o", "o3-mini", "Mistral-small"], openai.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }
}
