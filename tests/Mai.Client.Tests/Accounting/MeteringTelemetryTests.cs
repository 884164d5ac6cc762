using System.Diagnostics.Metrics;
using System.Diagnostics;
using Azure;
using Mai.Client.Accounting;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Accounting;

public sealed class MeteringTelemetryTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly TestMeterFactory _meters = new();
    private readonly TestChatClient _inner = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatMessage[] Prompt => [new(ChatRole.User, "Hello world!")];

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task GetResponseAsync_ReportedUsage_RecordsTokenHistogramWithSemanticConventionAttributes()
    {
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        using var duration = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.duration");
        using var cost = new MetricCollector<double>(_meters, "Mai.Client", "mai.client.cost");
        _inner.GetResponseAsyncCallback = async (_, _, _) =>
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            await Task.Yield();
            return new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi"))
            {
                ModelId = "gpt-4o-2024-11-20",
                Usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 40, OutputTokenCount = 50, ReasoningTokenCount = 30 },
            };
        };
        using var client = CreateClient();

        await client.GetResponseAsync(Prompt, new ChatOptions { ModelId = "gpt-4o" }, Ct);

        var measurements = tokens.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        var input = Assert.Single(measurements, m => (string?)m.Tags["gen_ai.token.type"] == "input");
        var output = Assert.Single(measurements, m => (string?)m.Tags["gen_ai.token.type"] == "output");
        Assert.Equal(100, input.Value);
        Assert.Equal(50, output.Value);
        Assert.Equal("chat", input.Tags["gen_ai.operation.name"]);
        Assert.Equal("azure.ai.inference", input.Tags["gen_ai.provider.name"]);
        Assert.Equal("gpt-4o", input.Tags["gen_ai.request.model"]);
        Assert.Equal("gpt-4o-2024-11-20", input.Tags["gen_ai.response.model"]);
        Assert.Equal("myresource.services.ai.azure.com", input.Tags["server.address"]);
        Assert.Equal(443, input.Tags["server.port"]);
        Assert.Equal("gpt4o-east", input.Tags["mai.deployment"]);
        Assert.False(input.Tags.ContainsKey("mai.usage.estimated"));

        var seconds = Assert.Single(duration.GetMeasurementSnapshot());
        Assert.Equal(2.0, seconds.Value);
        Assert.False(seconds.Tags.ContainsKey("error.type"));

        var spent = Assert.Single(cost.GetMeasurementSnapshot());
        Assert.Equal((double)0.00081m, spent.Value);
        Assert.Equal("USD", spent.Tags["mai.cost.currency"]);
        Assert.Equal("USD", cost.Instrument!.Unit);
    }

    [Fact]
    public void Instruments_DeclareTheAdvisedBucketBoundariesAndUnits()
    {
        using var client = CreateClient();
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        using var duration = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.duration");
        using var ttfc = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.time_to_first_chunk");

        Assert.Equal("{token}", tokens.Instrument!.Unit);
        Assert.Equal([1L, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864], ((Histogram<long>)tokens.Instrument).Advice!.HistogramBucketBoundaries);
        double[] seconds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
        Assert.Equal("s", duration.Instrument!.Unit);
        Assert.Equal(seconds, ((Histogram<double>)duration.Instrument).Advice!.HistogramBucketBoundaries);
        Assert.Equal("s", ttfc.Instrument!.Unit);
        Assert.Equal(seconds, ((Histogram<double>)ttfc.Instrument).Advice!.HistogramBucketBoundaries);
    }

    [Fact]
    public async Task GetResponseAsync_EstimatedUsage_NotReportedUnlessOptedIn()
    {
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        using var cost = new MetricCollector<double>(_meters, "Mai.Client", "mai.client.cost");
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello, world!")));
        using var client = CreateClient();

        var response = await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        Assert.True(response.IsUsageEstimated());
        Assert.Empty(tokens.GetMeasurementSnapshot());
        Assert.Empty(cost.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task GetResponseAsync_EstimatedUsageWithOptIn_ReportedAndTaggedEstimated()
    {
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hello, world!")));
        using var client = CreateClient(o => o.ReportEstimatedUsage = true);

        await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        var measurements = tokens.GetMeasurementSnapshot();
        Assert.Equal([10L, 4L], measurements.Select(m => m.Value));
        Assert.All(measurements, m => Assert.Equal(true, m.Tags["mai.usage.estimated"]));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RecordsTimeToFirstChunkAndDurationFromTimeProvider()
    {
        using var ttfc = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.time_to_first_chunk");
        using var duration = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.duration");
        _inner.GetStreamingResponseAsyncCallback = (_, _, ct) => Paced(ct);
        using var client = CreateClient();

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt, cancellationToken: Ct))
        {
        }

        Assert.Equal(0.5, Assert.Single(ttfc.GetMeasurementSnapshot()).Value);
        Assert.Equal(1.75, Assert.Single(duration.GetMeasurementSnapshot()).Value);
    }

    [Fact]
    public async Task GetResponseAsync_Rejected_RecordsDurationWithErrorTypeAndNoTokens()
    {
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        using var duration = new MetricCollector<double>(_meters, "Mai.Client", "gen_ai.client.operation.duration");
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromException<ChatResponse>(new RequestFailedException(429, "Too Many Requests"));
        using var client = CreateClient();

        await Assert.ThrowsAsync<RequestFailedException>(() => client.GetResponseAsync(Prompt, cancellationToken: Ct));

        Assert.Empty(tokens.GetMeasurementSnapshot());
        Assert.Equal("429", Assert.Single(duration.GetMeasurementSnapshot()).Tags["error.type"]);
    }

    [Fact]
    public async Task GetResponseAsync_Span_CarriesGenAiUsageAttributes()
    {
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Mai.Client",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (stopped) { stopped.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi"))
        {
            ResponseId = "resp-span-test",
            Usage = new UsageDetails { InputTokenCount = 100, CachedInputTokenCount = 40, OutputTokenCount = 50, ReasoningTokenCount = 30 },
        });
        using var client = CreateClient();

        await client.GetResponseAsync(Prompt, cancellationToken: Ct);

        Activity span;
        lock (stopped)
        {
            span = Assert.Single(stopped, a => (string?)a.GetTagItem("gen_ai.response.id") == "resp-span-test");
        }

        Assert.Equal("chat gpt-4o", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(100L, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(50L, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.Equal(40L, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(30L, span.GetTagItem("gen_ai.usage.reasoning.output_tokens"));
    }

    private async IAsyncEnumerable<ChatResponseUpdate> Paced([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        _time.Advance(TimeSpan.FromMilliseconds(500));
        yield return TestChatClient.Text("Hello");
        _time.Advance(TimeSpan.FromMilliseconds(1250));
        ct.ThrowIfCancellationRequested();
        yield return TestChatClient.Usage(10, 2);
    }

    [Theory]
    [InlineData(null, null, "openai", "localhost", 8080)]
    [InlineData("my.provider", "https://example.com:444", "my.provider", "example.com", 444)]
    public async Task GetResponseAsync_InnerClientMetadata_GivesProviderAndServerUnlessOverridden(string? provider, string? endpoint, string expectedProvider, string expectedHost, int expectedPort)
    {
        using var tokens = new MetricCollector<long>(_meters, "Mai.Client", "gen_ai.client.token.usage");
        var inner = new MetadataClient(_inner, new ChatClientMetadata("openai", new Uri("http://localhost:8080/openai/v1"), "gpt-4o"));
        _inner.GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "Hi"))
        {
            Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2 },
        });
        var options = new MeteringOptions { ProviderName = provider, Endpoint = endpoint is null ? null : new Uri(endpoint) };
        using var client = new MeteringChatClient(inner, "d", "gpt-4o", options, _meters, timeProvider: _time);

        await client.GetResponseAsync(Prompt, null, Ct);

        var input = Assert.Single(tokens.GetMeasurementSnapshot(), m => (string?)m.Tags["gen_ai.token.type"] == "input");
        Assert.Equal(expectedProvider, input.Tags["gen_ai.provider.name"]);
        Assert.Equal(expectedHost, input.Tags["server.address"]);
        Assert.Equal(expectedPort, input.Tags["server.port"]);
    }

    private sealed class MetadataClient(IChatClient inner, ChatClientMetadata metadata) : DelegatingChatClient(inner)
    {
        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(ChatClientMetadata) ? metadata : base.GetService(serviceType, serviceKey);
    }

    private MeteringChatClient CreateClient(Action<MeteringOptions>? configure = null)
    {
        var options = new MeteringOptions
        {
            PriceTable = MeteringChatClientTests.Prices,
            Endpoint = new Uri("https://myresource.services.ai.azure.com/models"),
        };
        configure?.Invoke(options);
        return new MeteringChatClient(_inner, "gpt4o-east", "gpt-4o", options, _meters, timeProvider: _time);
    }
}
