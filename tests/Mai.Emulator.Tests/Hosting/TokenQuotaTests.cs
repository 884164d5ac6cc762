using Mai.Emulator.Tests.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Emulator.Tests.Hosting;

/// <summary><see cref="EmulatedModel.TokensPerMinute"/>: a deployment that answers Azure's 429 above N tokens per minute.</summary>
public sealed class TokenQuotaTests
{
    [Fact]
    public async Task Post_QuotaSpent_Answers429WithTheWaitUntilItFitsThenServesAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 5, TimeSpan.Zero));
        var options = new MaiEmulatorOptions { TimeProvider = time };
        options.Models.Add(EmulatedModel.Gpt4o with { TokensPerMinute = 100 });
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        var body = Raw.Body("gpt-4o", "Why is the sky blue?", extra: ""","max_tokens":40""");

        var (first, json) = await Raw.PostJsonAsync(emu, body);
        var served = json.RootElement.GetProperty("usage").GetProperty("total_tokens").GetInt32();
        var (second, _) = await Raw.PostJsonAsync(emu, body);
        time.Advance(TimeSpan.FromSeconds(55)); // 12:01:00: the first segment left the window
        var (third, _) = await Raw.PostJsonAsync(emu, body);

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal("100", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        Assert.Equal($"{100 - served}", first.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.Equal(429, (int)second.StatusCode);
        Assert.Equal("55000", second.Headers.GetValues("retry-after-ms").Single()); // until 12:01:00
        Assert.Equal("55", second.Headers.GetValues("Retry-After").Single());
        Assert.Equal(200, (int)third.StatusCode);
    }
}
