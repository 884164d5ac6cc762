using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Generation;

public sealed class ToolChoiceAndChunkingTests
{
    private const string ToolsJson = ""","tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}]""";

    [Theory]
    [InlineData(1.0, "auto", true)]
    [InlineData(0.0, "auto", false)]
    [InlineData(1.0, "none", false)]
    public async Task AutoToolCallProbability_DecidesCallsWhenThePromptNamesNoTool(double probability, string choice, bool expectCall)
    {
        var options = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", AutoToolCallProbability = probability } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var (_, json) = await Raw.PostJsonAsync(emu, Raw.Body("m", "Tell me about otters", extra: ToolsJson + $",\"tool_choice\":\"{choice}\""));

        var choice0 = json.RootElement.GetProperty("choices")[0];
        Assert.Equal(expectCall, choice0.GetProperty("message").TryGetProperty("tool_calls", out _));
        Assert.Equal(expectCall ? "tool_calls" : "stop", choice0.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task TokenChunking_EveryContentChunkIsOneToken()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var chunks = Raw.Chunks(await Raw.StreamAsync(emu, Raw.Body("gpt-4o", "Explain tides", stream: true)));

        var pieces = chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0)
            .Select(c => c.GetProperty("choices")[0].GetProperty("delta"))
            .Where(d => d.TryGetProperty("content", out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
            .Select(d => d.GetProperty("content").GetString()!)
            .ToList();
        Assert.True(pieces.Count > 20);
        Assert.All(pieces, p => Assert.Equal(1, Tok.Count(p)));
    }

    [Fact]
    public async Task WordChunking_EveryContentChunkIsOneWordWithLeadingSpace()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var data = await Raw.StreamAsync(emu, Raw.Body("Mistral-small", "Explain tides", stream: true));

        var chunks = Raw.Chunks(data);
        var pieces = chunks.Skip(1).Take(chunks.Count - 2).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()!).ToList();
        Assert.Equal("Here", pieces[0]);
        Assert.All(pieces.Skip(1), p => Assert.Matches(@"^ \S+$", p));
        // Mistral serverless shape: role chunk with empty content, finish chunk with empty content and usage.
        Assert.Equal("""{"role":"assistant","content":""}""", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetRawText());
        Assert.Equal("""{"content":""}""", chunks[^1].GetProperty("choices")[0].GetProperty("delta").GetRawText());
        Assert.Equal(Tok.Count(string.Concat(pieces)), chunks[^1].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
