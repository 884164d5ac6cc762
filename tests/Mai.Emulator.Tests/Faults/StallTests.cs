using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Faults;

/// <summary>Stalls wait on the emulator's TimeProvider (fake here) or until the client or emulator goes away.</summary>
public sealed class StallTests
{
    [Fact]
    public async Task StallBeforeFirstByte_ForDuration_ThenAnswersNormally()
    {
        var time = new SignalingTimeProvider();
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { TimeProvider = time }, Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        var pending = http.SendAsync(Raw.Post(emu, Raw.Body("gpt-4o", "Explain tides"), fault: "stall;ms=600000"), HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(TimeSpan.FromMinutes(10), await time.NextTimerAsync(ct));
        Assert.False(pending.IsCompleted, "headers arrived during a stall before the first byte");
        time.Advance(TimeSpan.FromMinutes(10));
        using var response = await pending;

        Assert.Equal(200, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        Assert.Equal("stop", json.RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(EmulatorFaultKind.Stall, emu.Requests.Single().Fault!.Kind);
    }

    [Fact]
    public async Task StallBeforeFirstByte_Streaming_StallsOnceThenStreamsToDone()
    {
        var time = new SignalingTimeProvider();
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { TimeProvider = time }, Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        var pending = http.SendAsync(Raw.Post(emu, Raw.Body("gpt-4o", "Explain tides", stream: true), fault: "stall;ms=1000"), HttpCompletionOption.ResponseHeadersRead, ct);
        Assert.Equal(TimeSpan.FromSeconds(1), await time.NextTimerAsync(ct));
        time.Advance(TimeSpan.FromSeconds(1));
        using var response = await pending;
        var data = await Raw.ReadSseAsync(response, ct);

        Assert.Equal("[DONE]", data[^1]);
        Assert.StartsWith("Here is a short answer about tides.", Raw.Content(Raw.Chunks(data)));
    }

    [Fact]
    public async Task StallAfterChunks_UntilDisconnect_DeliversOnlyThoseChunks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);
        using var clientGone = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using var response = await http.SendAsync(Raw.Post(emu, Raw.Body("gpt-4o", "Explain tides", stream: true), fault: "stall;after=2"), HttpCompletionOption.ResponseHeadersRead, clientGone.Token);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(clientGone.Token));
        var data = new List<string>();
        while (data.Count < 2 && await reader.ReadLineAsync(clientGone.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data.Add(line);
            }
        }

        var third = reader.ReadLineAsync(clientGone.Token).AsTask();
        var blank = await third;
        Assert.Equal(string.Empty, blank);
        var next = reader.ReadLineAsync(clientGone.Token).AsTask();
        Assert.False(next.IsCompleted);
        response.Dispose();

        await Assert.ThrowsAnyAsync<Exception>(() => next);
        Assert.Equal(2, data.Count);
    }

    [Fact]
    public async Task DisposeAsync_WithAStalledRequest_StopsPromptlyAndTheClientFails()
    {
        var time = new SignalingTimeProvider();
        var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { TimeProvider = time }, Clients.Deadline());
        using var http = Raw.Client(emu);
        var ct = Clients.Deadline();

        var pending = http.SendAsync(Raw.Post(emu, Raw.Body("gpt-4o", "Explain tides"), fault: "stall;ms=3600000"), ct);
        await time.NextTimerAsync(ct);
        await emu.DisposeAsync().AsTask().WaitAsync(ct);

        await Assert.ThrowsAsync<HttpRequestException>(() => pending);
    }
}
