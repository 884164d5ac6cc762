using System.Diagnostics.Metrics;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Tests.Resilience;

public class ResilientChatClientTelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponseAsync_TwoRetries_CountsTwoOnRetriesCounter()
    {
        var deployment = "metrics-" + Guid.NewGuid().ToString("N");
        var measurements = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Mai.Client" && instrument.Name == "mai.client.retries")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var map = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                map[tag.Key] = tag.Value;
            }

            if (Equals(map.GetValueOrDefault("mai.deployment"), deployment))
            {
                lock (measurements)
                {
                    measurements.Add((value, map));
                }
            }
        });
        listener.Start();

        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i < 2 ? throw Failures.Throttled(("retry-after-ms", "10")) : TestChatClient.Ok());
        using var client = new ResilientChatClient([new(deployment, inner)], new MaiResilienceOptions { TotalTimeout = Timeout.InfiniteTimeSpan }, timeProvider: time);
        var call = client.GetResponseAsync("hi", null, Ct);
        await time.DriveAsync(call);
        await call;

        Assert.Equal(2, measurements.Count);
        Assert.All(measurements, m =>
        {
            Assert.Equal(1, m.Value);
            Assert.Equal(429, m.Tags["http.response.status_code"]);
            Assert.Equal("retry", m.Tags["mai.retry.kind"]);
            Assert.Equal("429", m.Tags["error.type"]);
        });
    }

    [Fact]
    public async Task GetResponseAsync_RetriesLogged_WithoutPromptOrKey()
    {
        const string Prompt = "my secret prompt text";
        const string Key = "sk-test-0123456789";
        var logs = new CapturingLoggerFactory();
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i == 0 ? throw Failures.Status(503, "busy", ("retry-after-ms", "5")) : TestChatClient.Ok("answer text"));
        using var client = new ResilientChatClient([new("east", inner)], new MaiResilienceOptions { TotalTimeout = Timeout.InfiniteTimeSpan }, logs, time);
        var options = new ChatOptions { AdditionalProperties = new() { ["api-key"] = Key } };

        var call = client.GetResponseAsync([new ChatMessage(ChatRole.User, Prompt)], options, Ct);
        await time.DriveAsync(call);
        await call;

        var retry = Assert.Single(logs.Entries, e => e.Category == "Mai.Client.Resilience" && e.Level == LogLevel.Warning);
        Assert.Equal("Attempt 1 to deployment east failed with busy (status 503) after 00:00:00; retrying the same deployment (server asked for 00:00:00.0050000).", retry.Message);
        Assert.Contains(logs.Entries, e => e.Message == "Call succeeded on attempt 2 (deployment east).");
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(Prompt, StringComparison.Ordinal) || e.Message.Contains(Key, StringComparison.Ordinal) || e.Message.Contains("answer text", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetResponseAsync_FirstAttemptSucceeds_NothingLoggedAtInformationOrAbove()
    {
        // A default host logs at Information: a healthy call must not add lines there (Polly's per-attempt lines included).
        var logs = new CapturingLoggerFactory();
        var inner = TestChatClient.Answering(_ => TestChatClient.Ok("fine"));
        using var client = new ResilientChatClient([new("east", inner)], new MaiResilienceOptions(), logs, new TestClock());

        await client.GetResponseAsync("hi", null, Ct);
        await client.GetResponseAsync("hi", null, Ct);

        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Information).Select(e => $"{e.Level} {e.Category}: {e.Message}"));
    }

    [Fact]
    public async Task UseMaiResilience_OnBuilder_WrapsInnerClientAndRetries()
    {
        var time = new TestClock();
        var inner = TestChatClient.Answering(i => i == 0 ? throw Failures.Status(502) : TestChatClient.Ok("built"));
        using var client = new ChatClientBuilder(inner)
            .UseMaiResilience(o => o.BaseDelay = TimeSpan.Zero)
            .Build(Services(time));

        var response = await client.GetResponseAsync("hi", null, Ct);

        Assert.NotNull(client.GetService<ResilientChatClient>());
        Assert.Equal("built", response.Text);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task UseMaiResilienceWithFailover_OnBuilder_PrimaryIsInnerClient()
    {
        var time = new TestClock();
        var primary = TestChatClient.Answering(_ => throw Failures.Throttled(("Retry-After", "3600")));
        var secondary = TestChatClient.Answering(_ => TestChatClient.Ok("fallback"));
        using var client = new ChatClientBuilder(primary)
            .UseMaiResilienceWithFailover("primary", [new ResilientDeployment("fallback", secondary)])
            .Build(Services(time));

        var response = await client.GetResponseAsync("hi", Observe.With(out var context), Ct);

        Assert.Equal("fallback", response.Text);
        Assert.Equal(["primary", "fallback"], context.Attempts.Select(a => a.Deployment));
    }

    /// <summary>The services a builder resolves the layer's clock from (as <c>UseMaiResilience</c> does in an app).</summary>
    private static ServiceProvider Services(TimeProvider time) => new ServiceCollection().AddSingleton(time).BuildServiceProvider();
}
