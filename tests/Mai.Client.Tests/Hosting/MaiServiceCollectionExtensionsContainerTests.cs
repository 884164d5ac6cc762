using Mai.Client.Accounting;
using Mai.Client.Tests.Accounting;
using Mai.Client.Tests.Resilience;
using Mai.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Mai.Client.Tests.Hosting.HostingTestKit;

namespace Mai.Client.Tests.Hosting;

/// <summary>Clients registered through <c>AddMaiClient</c> calling a real emulator on loopback, with the container's services.</summary>
public class MaiServiceCollectionExtensionsContainerTests
{
    [Fact]
    public async Task AskAsync_HttpClientFactoryClientNamedMai_CarriesTheRequest()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var recorder = new RequestRecorder();
        var services = new ServiceCollection();
        services.AddHttpClient("Mai").AddHttpMessageHandler(recorder.CreateHandler);
        services.AddMaiClient(Section(emu, "gpt-4o"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        Assert.Equal("gpt-4o", result.Model);
        Assert.NotEmpty(result.Answer);
        var request = Assert.Single(recorder.Requests);
        Assert.Equal(emu.Endpoint.Authority, request.Authority);
        Assert.Equal("/chat/completions", request.AbsolutePath);
        Assert.Single(emu.Requests);
        Assert.Equal(Timeout.InfiniteTimeSpan, Options(provider).HttpClient!.Timeout);
    }

    [Fact]
    public void AddMaiClient_HttpClientWithItsOwnTimeout_KeepsIt()
    {
        var services = new ServiceCollection();
        services.AddHttpClient("Mai", c => c.Timeout = TimeSpan.FromMinutes(3));
        services.AddMaiClient(Pairs(("Mai:Endpoint", "https://a.services.ai.azure.com/models"), ("Mai:ApiKey", SecretKey)).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();

        Assert.Equal(TimeSpan.FromMinutes(3), Options(provider).HttpClient!.Timeout);
    }

    [Fact]
    public async Task AskAsync_NamedClients_EachUsesItsOwnSettingsAndHttpClient()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var defaultHttp = new RequestRecorder();
        var gptHttp = new RequestRecorder();
        var configuration = Pairs(
            ("Mai:Endpoint", emu.Endpoint.ToString()),
            ("Mai:ApiKey", emu.ApiKey),
            ("Mai:Model", "MAI-Thinking-1"),
            ("Clients:gpt4o:Endpoint", emu.Endpoint.ToString()),
            ("Clients:gpt4o:ApiKey", emu.ApiKey),
            ("Clients:gpt4o:Model", "gpt-4o"),
            ("Clients:raw:Endpoint", emu.Endpoint.ToString()),
            ("Clients:raw:ApiKey", emu.ApiKey),
            ("Clients:raw:Model", "MAI-Thinking-1"),
            ("Clients:raw:SplitReasoning", "false"));
        var services = new ServiceCollection();
        services.AddHttpClient("Mai").AddHttpMessageHandler(defaultHttp.CreateHandler);
        services.AddHttpClient("gpt4o").AddHttpMessageHandler(gptHttp.CreateHandler);
        services.AddMaiClient(configuration.GetSection("Mai"));
        services.AddMaiClient("gpt4o", configuration.GetSection("Clients:gpt4o"));
        services.AddMaiClient("raw", configuration.GetSection("Clients:raw"));
        services.AddSingleton<KeyedConsumer>();
        using var provider = services.BuildServiceProvider();

        var mai = provider.GetRequiredService<MaiClient>();
        var gpt = provider.GetRequiredKeyedService<MaiClient>("gpt4o");
        var raw = provider.GetRequiredKeyedService<MaiClient>("raw");
        Assert.Equal(3, new HashSet<MaiClient>([mai, gpt, raw], ReferenceEqualityComparer.Instance).Count);
        Assert.Same(gpt, provider.GetRequiredService<KeyedConsumer>().Client);
        Assert.Same(gpt.ChatClient, provider.GetRequiredKeyedService<IChatClient>("gpt4o"));
        Assert.Same(raw.ChatClient, provider.GetRequiredKeyedService<IChatClient>("raw"));

        var fromMai = await mai.AskAsync("Why is the sky blue?", cancellationToken: CallTimeout());
        var fromGpt = await gpt.AskAsync("Why is the sky blue?", cancellationToken: CallTimeout());
        var fromRaw = await raw.AskAsync("Why is the sky blue?", cancellationToken: CallTimeout());

        Assert.Equal(new[] { "MAI-Thinking-1", "gpt-4o", "MAI-Thinking-1" }, new[] { fromMai.Model, fromGpt.Model, fromRaw.Model });
        Assert.Equal(3, emu.Requests.Count);
        Assert.Contains("\"model\":\"MAI-Thinking-1\"", emu.Requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"gpt-4o\"", emu.Requests[1].Body, StringComparison.Ordinal);
        Assert.Contains("\"model\":\"MAI-Thinking-1\"", emu.Requests[2].Body, StringComparison.Ordinal);
        Assert.Single(gptHttp.Requests); // the gpt4o client went through the "gpt4o" HttpClient only
        Assert.Single(defaultHttp.Requests); // the default client through "Mai"; "raw" through its own, unconfigured "raw"
        Assert.NotNull(fromMai.Reasoning); // reasoning split from the answer on the default client …
        Assert.DoesNotContain("<think>", fromMai.Answer, StringComparison.Ordinal);
        Assert.Null(fromRaw.Reasoning); // … and left in the answer by Clients:raw:SplitReasoning = false
        Assert.StartsWith("<think>", fromRaw.Answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetResponseAsync_DefaultChatClient_AnswersThroughThePipelineAndTheBuilderMiddleware()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var calls = 0;
        var services = new ServiceCollection();
        services.AddMaiClient(Section(emu, "gpt-4o"))
            .Use((messages, options, next, ct) =>
            {
                Interlocked.Increment(ref calls);
                return next(messages, options, ct);
            });
        using var provider = services.BuildServiceProvider();

        var chat = provider.GetRequiredService<IChatClient>();
        var response = await chat.GetResponseAsync("Say hello.", cancellationToken: CallTimeout());

        // One pipeline (issue 11, item 6): the facade sits over the registered IChatClient, middleware included.
        Assert.Same(provider.GetRequiredService<MaiClient>().ChatClient, chat);
        Assert.Equal(1, calls);
        Assert.Equal("gpt-4o", response.ModelId);
        Assert.NotEmpty(response.Text);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task AskAsync_MaiClientFromTheContainer_GoesThroughTheBuilderMiddlewareToo()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var calls = 0;
        var services = new ServiceCollection();
        services.AddMaiClient("gpt4o", Section(emu, "gpt-4o"))
            .Use((messages, options, next, ct) =>
            {
                Interlocked.Increment(ref calls);
                return next(messages, options, ct);
            });
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredKeyedService<MaiClient>("gpt4o");

        var result = await client.AskAsync("Say hello.", cancellationToken: CallTimeout());
        await foreach (var update in client.StreamAsync("Say hello.", cancellationToken: CallTimeout()))
        {
            _ = update;
        }

        Assert.Equal(2, calls); // the ask and the stream, each once through the user's middleware
        Assert.Same(client.ChatClient, provider.GetRequiredKeyedService<IChatClient>("gpt4o"));
        Assert.NotEmpty(result.Answer);
        Assert.Equal(2, emu.Requests.Count);
    }

    [Fact]
    public async Task AskAsync_ContainerTimeProviderAndLedger_StampTheRecord()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero));
        var ledger = new UsageLedger();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(ledger);
        services.AddMaiClient(Section(emu, "gpt-4o"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        Assert.Same(time, Options(provider).TimeProvider);
        Assert.Equal(TimeSpan.Zero, result.Duration); // measured on the fake clock, which did not move
        var record = Assert.Single(ledger.GetRecords());
        Assert.Equal(time.GetUtcNow(), record.Timestamp);
        Assert.Same(record, Assert.Single(result.UsageRecords));
        Assert.Equal(result.Usage!.InputTokenCount, record.Usage.InputTokenCount);
    }

    [Fact]
    public async Task AskAsync_KeyedLedger_WinsOverTheSharedOne()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var shared = new UsageLedger();
        var own = new UsageLedger();
        var services = new ServiceCollection();
        services.AddSingleton(shared);
        services.AddKeyedSingleton("gpt4o", own);
        services.AddMaiClient(Section(emu, "MAI-Thinking-1"));
        services.AddMaiClient("gpt4o", Section(emu, "gpt-4o"));
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<MaiClient>("gpt4o").AskAsync("Say hello.", cancellationToken: CallTimeout());
        await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        Assert.Equal("gpt-4o", Assert.Single(own.GetRecords()).Model);
        Assert.Equal("MAI-Thinking-1", Assert.Single(shared.GetRecords()).Model);
    }

    [Fact]
    public async Task AskAsync_UsageSinksWithoutLedger_ReceiveEveryRecord()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var sink = new ListSink();
        var services = new ServiceCollection();
        services.AddSingleton<IUsageSink>(sink);
        services.AddMaiClient(Section(emu, "gpt-4o"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        var record = Assert.Single(sink.Records);
        Assert.Equal("gpt-4o", record.Model);
        Assert.Equal(result.Usage!.OutputTokenCount, record.Usage.OutputTokenCount);
        Assert.Equal(UsageOutcome.Succeeded, record.Outcome);
    }

    [Fact]
    public async Task AskAsync_ContainerLoggerFactory_LogsTheRetryWithoutTheKey()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = SecretKey }, CallTimeout());
        emu.Script(EmulatorFault.HttpError(503));
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddMaiClient(Pairs(
            ("Mai:Endpoint", emu.Endpoint.ToString()),
            ("Mai:ApiKey", SecretKey),
            ("Mai:Model", "gpt-4o"),
            ("Mai:Resilience:BaseDelay", "00:00:00")).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        Assert.Equal([503, 200], result.Attempts.Select(a => a.Status));
        Assert.Equal(2, emu.Requests.Count);
        var retry = Assert.Single(logs.Entries, e => e.Message.Contains("retrying the same deployment", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, retry.Level);
        Assert.Contains("(status 503)", retry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(SecretKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AskAsync_ContainerMeterFactory_RecordsTokenUsage()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        using var meters = new TestMeterFactory();
        using var tokens = new MetricCollector<long>(meters, "Mai.Client", "gen_ai.client.token.usage");
        var services = new ServiceCollection();
        services.AddSingleton<System.Diagnostics.Metrics.IMeterFactory>(meters);
        services.AddMaiClient(Section(emu, "gpt-4o"));
        using var provider = services.BuildServiceProvider();

        var result = await provider.GetRequiredService<MaiClient>().AskAsync("Say hello.", cancellationToken: CallTimeout());

        Assert.Equal(
            [result.Usage!.InputTokenCount, result.Usage.OutputTokenCount],
            tokens.GetMeasurementSnapshot().Select(m => m.Value));
    }

    [Fact]
    public async Task AskAsync_WrongKey_FailsWithoutShowingTheKey()
    {
        const string wrongKey = "sk-wrong-NEVER-SHOW-19d2e0";
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: CallTimeout());
        var logs = new CapturingLoggerFactory();
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddMaiClient(Pairs(
            ("Mai:Endpoint", emu.Endpoint.ToString()),
            ("Mai:ApiKey", wrongKey),
            ("Mai:Model", "gpt-4o")).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<MaiClient>();

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => client.AskAsync("Say hello.", cancellationToken: CallTimeout()));

        Assert.Equal(401, Assert.IsAssignableFrom<Azure.RequestFailedException>(ex).Status);
        Assert.DoesNotContain(wrongKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(wrongKey, StringComparison.Ordinal));
        Assert.Single(emu.Requests); // 401 is permanent: not retried
    }

    private static IConfigurationSection Section(MaiEmulator emu, string model) =>
        Pairs(("Mai:Endpoint", emu.Endpoint.ToString()), ("Mai:ApiKey", emu.ApiKey), ("Mai:Model", model)).GetSection("Mai");

    private static MaiClientOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);

    private sealed class KeyedConsumer([FromKeyedServices("gpt4o")] MaiClient client)
    {
        public MaiClient Client { get; } = client;
    }

    private sealed class ListSink : IUsageSink
    {
        public List<UsageRecord> Records { get; } = [];

        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
        {
            lock (Records)
            {
                Records.Add(record);
            }

            return ValueTask.CompletedTask;
        }
    }
}
