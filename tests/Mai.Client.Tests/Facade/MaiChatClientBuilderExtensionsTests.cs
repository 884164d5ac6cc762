using TestMeterFactory = Mai.Client.Tests.Accounting.TestMeterFactory;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Facade;

/// <summary>Issue 11, item 7: <c>UseMaiPipeline</c> takes the services the options leave unset from the provider the pipeline is built with.</summary>
public class MaiChatClientBuilderExtensionsTests
{
    [Fact]
    public async Task UseMaiPipeline_BuiltWithServices_MetersThroughTheContainersMeterFactoryAndClock()
    {
        using var meters = new TestMeterFactory();
        using var tokens = new MetricCollector<long>(meters, "Mai.Client", "gen_ai.client.token.usage");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero));
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) =>
            {
                time.Advance(TimeSpan.FromSeconds(2));
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "hi"))
                {
                    ModelId = "gpt-4o",
                    Usage = new UsageDetails { InputTokenCount = 7, OutputTokenCount = 3, TotalTokenCount = 10 },
                });
            },
        };
        var services = new ServiceCollection()
            .AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meters)
            .AddSingleton<TimeProvider>(time)
            .BuildServiceProvider();
        var options = new MaiClientOptions { Model = "gpt-4o", EnableResilience = false };
        using var pipeline = inner.AsBuilder().UseMaiPipeline(options).Build(services);
        using var client = MaiClient.FromPipeline(pipeline, time);

        var result = await client.AskAsync("Hello?", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([7L, 3L], tokens.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(new DateTimeOffset(2026, 3, 14, 15, 9, 28, TimeSpan.Zero), Assert.Single(result.UsageRecords).Timestamp);
        Assert.Null(options.MeterFactory); // the caller's options are left as they were
        Assert.Same(TimeProvider.System, options.TimeProvider);
    }
}
