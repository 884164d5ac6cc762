using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Generation;

public sealed class DeterminismTests
{
    private static async Task<string> AnswerAsync(MaiEmulator emu, string prompt, string extra = "")
    {
        var (response, json) = await Raw.PostJsonAsync(emu, Raw.Body("MAI-Thinking-1", prompt, extra: extra));
        Assert.Equal(200, (int)response.StatusCode);
        return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task Complete_SameRequestTwice_SameAnswerEvenAcrossInstances()
    {
        await using var a = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        await using var b = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var first = await AnswerAsync(a, "Explain photosynthesis");
        var second = await AnswerAsync(a, "Explain photosynthesis");
        var third = await AnswerAsync(b, "Explain photosynthesis");

        Assert.Equal(first, second);
        Assert.Equal(first, third);
        Assert.Contains("photosynthesis", first);
    }

    [Fact]
    public async Task Complete_DifferentPrompts_DifferentAnswersEchoingTheirTopics()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var tides = await AnswerAsync(emu, "Explain ocean tides");
        var bread = await AnswerAsync(emu, "How do I bake sourdough bread?");

        Assert.NotEqual(tides, bread);
        Assert.Contains("Here is a short answer about ocean tides.", tides);
        Assert.Contains("Here is a short answer about bake sourdough bread.", bread);
    }

    [Fact]
    public async Task Complete_RequestSeedOrEmulatorSeedChanges_AnswerChanges()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        await using var seeded = await MaiEmulator.StartAsync(new MaiEmulatorOptions { Seed = 42 }, Clients.Deadline());

        var noSeed = await AnswerAsync(emu, "Explain tides");
        var seed1 = await AnswerAsync(emu, "Explain tides", ""","seed":1""");
        var seed1Again = await AnswerAsync(emu, "Explain tides", ""","seed":1""");
        var seed2 = await AnswerAsync(emu, "Explain tides", ""","seed":2""");
        var emulatorSeed = await AnswerAsync(seeded, "Explain tides");

        Assert.Equal(seed1, seed1Again);
        Assert.Equal(4, new[] { noSeed, seed1, seed2, emulatorSeed }.Distinct().Count());
    }

    [Fact]
    public async Task Complete_Verbosity_AnswerWordsScalesTheAnswer()
    {
        var options = new MaiEmulatorOptions
        {
            Models = { new EmulatedModel { Name = "terse", AnswerWords = 10 }, new EmulatedModel { Name = "chatty", AnswerWords = 300 } },
        };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var (_, terse) = await Raw.PostJsonAsync(emu, Raw.Body("terse", "Explain tides"));
        var (_, chatty) = await Raw.PostJsonAsync(emu, Raw.Body("chatty", "Explain tides"));

        static int Words(JsonDocument d) => d.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length;
        Assert.InRange(Words(terse), 6, 20);
        Assert.InRange(Words(chatty), 240, 380);
    }
}
