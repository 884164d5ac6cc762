using Mai.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Mai.Client.Tests.Hosting.HostingTestKit;

namespace Mai.Client.Tests.Resilience;

/// <summary>What a host at the default log level (Information) sees from the resilience layer: nothing per healthy call.</summary>
public class ResilienceLoggingTests
{
    [Fact]
    public async Task AddMaiClient_DefaultLogLevel_HealthyCallsLogNothingAndARetryLogsOneWarning()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(new Provider(logs))); // the defaults of a host: Information and above
        services.AddMaiClient(Pairs(
            ("Mai:Endpoint", emu.Endpoint.ToString()), ("Mai:ApiKey", emu.ApiKey), ("Mai:Model", "gpt-4o"), ("Mai:Resilience:BaseDelay", "00:00:00")).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MaiClient>();

        await client.AskAsync("Say hello.", cancellationToken: CallTimeout());
        await client.AskAsync("Say hello again.", cancellationToken: CallTimeout());

        Assert.Empty(Resilience(logs));

        emu.Script(EmulatorFault.HttpError(503), EmulatorFault.None);
        var retried = await client.AskAsync("Say hello once more.", cancellationToken: CallTimeout());

        Assert.Equal(2, retried.Attempts.Count);
        var entry = Assert.Single(Resilience(logs));
        Assert.Equal((LogLevel.Warning, "Mai.Client.Resilience"), (entry.Level, entry.Category));
    }

    /// <summary>Entries from this layer and from Polly, at the levels a default host keeps, except the one for a call that succeeded after a retry.</summary>
    private static List<(LogLevel Level, string Category, string Message)> Resilience(CapturingLoggerFactory logs) =>
        [.. logs.Entries.Where(e => (e.Category.StartsWith("Polly", StringComparison.Ordinal) || e.Category == "Mai.Client.Resilience")
            && e.Level >= LogLevel.Information
            && !e.Message.StartsWith("Call succeeded on attempt", StringComparison.Ordinal))];

    private sealed class Provider(CapturingLoggerFactory factory) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
