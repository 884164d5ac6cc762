using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Hosting;

/// <summary>Pacing waits on the configured TimeProvider: the test advances fake time and watches chunks arrive, never sleeping.</summary>
public sealed class PacingTests
{
    private static readonly TimeSpan Ttft = TimeSpan.FromSeconds(2);
    private const double Tps = 10;

    private static MaiEmulatorOptions Options(SignalingTimeProvider time) => new()
    {
        TimeProvider = time,
        Models = { new EmulatedModel { Name = "paced", TimeToFirstToken = Ttft, TokensPerSecond = Tps, AnswerWords = 12 } },
    };

    private static async Task<string?> ReadDataAsync(StreamReader reader, CancellationToken ct)
    {
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                return line[6..];
            }
        }

        return null;
    }

    [Fact]
    public async Task Stream_Paced_EachChunkWaitsTtftThenItsTokensOverTps()
    {
        var time = new SignalingTimeProvider();
        await using var emu = await MaiEmulator.StartAsync(Options(time), Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        using var response = await http.SendAsync(Raw.Post(emu, Raw.Body("paced", "Explain tides", stream: true)), HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        var role = await ReadDataAsync(reader, ct);
        Assert.Contains("\"role\":\"assistant\"", role);

        var pieces = new List<string>();
        var first = true;
        while (true)
        {
            var due = await time.NextTimerAsync(ct);
            var read = ReadDataAsync(reader, ct);
            time.Advance(due - TimeSpan.FromMilliseconds(1));
            Assert.False(read.IsCompleted, "a chunk arrived before its time");
            time.Advance(TimeSpan.FromMilliseconds(1));
            var chunk = JsonDocument.Parse((await read)!).RootElement.GetProperty("choices")[0];
            var piece = chunk.GetProperty("delta").GetProperty("content").GetString()!;
            var expected = TimeSpan.FromSeconds(Tok.Count(piece) / Tps) + (first ? Ttft : TimeSpan.Zero);
            Assert.Equal(expected, due);
            pieces.Add(piece);
            first = false;
            if (string.Concat(pieces).Split(' ').Length >= 9 && pieces.Count > 8)
            {
                break;
            }
        }

        Assert.StartsWith("Here is a short answer about tides.", string.Concat(pieces));
    }

    [Fact]
    public async Task Complete_Paced_ResponseWaitsTtftPlusCompletionTokensOverTps()
    {
        var time = new SignalingTimeProvider();
        await using var emu = await MaiEmulator.StartAsync(Options(time), Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        var pending = http.SendAsync(Raw.Post(emu, Raw.Body("paced", "Explain tides")), ct);
        var due = await time.NextTimerAsync(ct);
        time.Advance(due - TimeSpan.FromMilliseconds(1));
        Assert.False(pending.IsCompleted, "the response arrived before its time");
        time.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await pending;

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        var completionTokens = json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        Assert.Equal(Ttft + TimeSpan.FromSeconds(completionTokens / Tps), due);
        // "created" is when the request arrived, before the wait.
        Assert.Equal((time.GetUtcNow() - due).ToUnixTimeSeconds(), json.RootElement.GetProperty("created").GetInt64());
    }

    [Fact]
    public async Task Stream_HiddenReasoning_FirstChunkAlsoWaitsForTheHiddenTokens()
    {
        var time = new SignalingTimeProvider();
        var options = new MaiEmulatorOptions { TimeProvider = time, Models = { EmulatedModel.O3Mini with { TokensPerSecond = 100, Chunking = StreamChunking.Word } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        using var response = await http.SendAsync(Raw.Post(emu, Raw.Body("o3-mini", "Explain tides", stream: true, extra: ""","stream_options":{"include_usage":true}""")), HttpCompletionOption.ResponseHeadersRead, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        await ReadDataAsync(reader, ct);
        var due = await time.NextTimerAsync(ct);
        time.Advance(due);
        var firstPiece = JsonDocument.Parse((await ReadDataAsync(reader, ct))!).RootElement.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString();

        // Drain the rest (each later chunk waits too) to read the reported reasoning tokens.
        var drain = Task.Run(async () =>
        {
            string? last = null;
            while (await ReadDataAsync(reader, ct) is { } d && d != "[DONE]")
            {
                last = d;
            }

            return last;
        }, ct);
        while (!drain.IsCompleted)
        {
            var next = time.NextTimerAsync(ct);
            if (await Task.WhenAny(next, drain) == next)
            {
                time.Advance(await next);
            }
        }

        var reasoning = JsonDocument.Parse((await drain)!).RootElement.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32();
        Assert.Equal(TimeSpan.FromSeconds((reasoning + Tok.Count(firstPiece)) / 100.0), due);
    }
}
