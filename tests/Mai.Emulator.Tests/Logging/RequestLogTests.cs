using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Logging;

public sealed class RequestLogTests
{
    [Fact]
    public async Task Requests_EveryRequestRecordedWithMethodPathBodyHeadersTimeAndFault()
    {
        var time = new SignalingTimeProvider();
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { TimeProvider = time }, Clients.Deadline());
        Assert.Empty(emu.Requests);
        emu.Faults.Enqueue(EmulatorFault.HttpError(503));
        var body = Raw.Body("gpt-4o", "Explain tides");

        await Raw.PostJsonAsync(emu, body, "/models/chat/completions?api-version=2024-05-01-preview");
        time.Advance(TimeSpan.FromSeconds(5));
        using var http = Raw.Client(emu);
        using var info = await http.GetAsync("/nothing-here", Clients.Deadline());

        var log = emu.Requests;
        Assert.Equal(2, log.Count);
        Assert.Equal("POST", log[0].Method);
        Assert.Equal("/models/chat/completions?api-version=2024-05-01-preview", log[0].PathAndQuery);
        Assert.Equal(body, log[0].Body);
        Assert.Equal("REDACTED", log[0].Headers["API-KEY"]);
        Assert.Equal("application/json; charset=utf-8", log[0].Headers["content-type"]);
        Assert.Equal(503, log[0].Fault!.StatusCode);
        Assert.Equal("POST /models/chat/completions?api-version=2024-05-01-preview [503]", log[0].ToString());
        Assert.Equal("GET", log[1].Method);
        Assert.Equal(string.Empty, log[1].Body);
        Assert.Null(log[1].Fault);
        Assert.Equal(TimeSpan.FromSeconds(5), log[1].Timestamp - log[0].Timestamp);
    }

    [Fact]
    public async Task ClearRequests_StartsCountingFromZero_AndSnapshotsAreStable()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "one"));
        var before = emu.Requests;

        emu.ClearRequests();
        await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "two"));

        Assert.Single(before);
        Assert.Contains("\"one\"", before[0].Body);
        Assert.Contains("\"two\"", Assert.Single(emu.Requests).Body);
    }

    [Fact]
    public async Task Requests_RejectedAuth_StillRecordedWithoutFaultOrKey()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.HttpError(500));
        using var http = Raw.Client(emu);
        var request = Raw.Post(emu, Raw.Body("gpt-4o", "x"), key: null);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-very-secret");

        using var response = await http.SendAsync(request, Clients.Deadline());

        Assert.Equal(401, (int)response.StatusCode);
        var entry = Assert.Single(emu.Requests);
        Assert.Null(entry.Fault);
        Assert.Equal("Bearer REDACTED", entry.Headers["Authorization"]);
        Assert.DoesNotContain(entry.Headers.Values, v => v.Contains("sk-very-secret", StringComparison.Ordinal));
        Assert.Equal(1, emu.Faults.Count);
    }
}
