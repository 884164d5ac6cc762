using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Hosting;

/// <summary>The emulator as a process: prints its endpoint on one line and serves until killed.</summary>
public sealed class ProgramTests
{
    [Fact]
    public async Task Main_PortZeroAndModels_PrintsEndpointAndServesThoseModels()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Mai.Emulator.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "--port", "0", "--model", "mistral-small", "--model", "my-model", "--api-key", "k1", "--reject-unknown-models" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(Clients.Deadline());
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", line);
            using var http = new HttpClient { BaseAddress = new Uri(line!) };
            http.DefaultRequestHeaders.Add("api-key", "k1");

            using var info = await http.GetFromJsonAsync<JsonDocument>("/info", Clients.Deadline());
            using var unknown = await http.PostAsync("/chat/completions", new StringContent(Raw.Body("gpt-4o", "hi")), Clients.Deadline());
            using var mine = await http.PostAsync("/chat/completions", new StringContent(Raw.Body("my-model", "hi")), Clients.Deadline());

            Assert.Equal("Mistral-small", info!.RootElement.GetProperty("model_name").GetString());
            Assert.Equal(400, (int)unknown.StatusCode);
            Assert.Equal(200, (int)mine.StatusCode);
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync(Clients.Deadline());
        }
    }
}
