using System.Globalization;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration.Proof;

/// <summary>
/// The proof of issue 12, in figures: every fault kind a hostile or broken service can produce, on every transport, asked and
/// streamed, through the whole pipeline over loopback (the emulator's fault script, or raw bytes from <see cref="Transport.LoopbackServer"/>).
/// For each: 100 % of calls end in success or one of the library's typed exceptions, every service exception with an error code
/// and a request id (the "untyped" column counts any that is not); usage records equal the attempts the
/// server received (counted server-side; a reset before any response byte leaves none, by design): 0 lost, 0 duplicated; and
/// the API key (a marker) appears 0 times in every sink (exceptions with ToString() and Data, logs at Trace, activities, metric
/// tags, usage records). Each test prints its table. Retry waits run on a fake clock, never slept.
/// </summary>
public sealed class TrustProofTests(ITestOutputHelper output)
{
    public static TheoryData<string> Faults => [.. ProofFault.All.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Fault_EveryTransportAndMode_TypedOutcomeExactRecordsAndNoKeyInAnySink(string name)
    {
        var fault = ProofFault.All.Single(f => f.Name == name);
        using var sinks = new MarkerSinks(ProofFault.Marker);

        var rows = await ProofRig.RunAsync(fault, sinks);

        output.WriteLine(ProofRow.Header);
        foreach (var row in rows)
        {
            output.WriteLine(row.ToString());
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"marker occurrences: exceptions {sinks.HitsIn("exceptions")}, logs {sinks.HitsIn("logs")} (of {sinks.LogLines} lines at Trace), activities {sinks.HitsIn("activities")} (of {sinks.Activities}), metrics {sinks.HitsIn("metrics")} (of {sinks.Measurements} measurements), usage {sinks.HitsIn("usage")}"));
        Assert.All(rows, row => Assert.True(row.Untyped.Count == 0, $"untyped on {row.Transport} {(row.Streaming ? "stream" : "ask")}: {string.Join(", ", row.Untyped)}"));
        Assert.All(rows, row => Assert.True((row.Lost, row.Duplicated) == (0, 0), $"{row.Transport} {(row.Streaming ? "stream" : "ask")}: {row.Records} records for {row.ExpectedRecords} billable attempts"));
        Assert.All(rows, row => Assert.True(row.ServerRequests >= row.Calls, $"{row.Transport}: {row.ServerRequests} requests for {row.Calls} calls (the fault never reached the server)"));
        Assert.Empty(sinks.Hits);
        Assert.True(sinks.LogLines > 0, "the Trace logs were captured"); // the sinks watched something
    }

    [Theory]
    [InlineData("azure-inference")]
    [InlineData("openai-v1")]
    [InlineData("anthropic-messages")]
    public async Task Budget_100ConcurrentCallsWithFailoverToAPricierModelAndTools_OverspendZero(string transportName)
    {
        // Every call fails over from a cheap model to a dear one (the primary answers 503), carries a tool definition and sets no
        // MaxOutputTokens, and the answers are long: admission must still keep both the cost and the token limit.
        var transport = ProofTransport.All.Single(t => t.Name == transportName);
        var claude = transport.Transport == MaiTransport.AnthropicMessages;
        var cheap = claude ? EmulatedModel.ClaudeHaiku45 with { AnswerWords = 1200 } : EmulatedModel.Gpt4o with { Name = "gpt-4o-mini", AnswerWords = 1200 };
        var dear = claude ? EmulatedModel.ClaudeOpus46 with { AnswerWords = 1200 } : EmulatedModel.Gpt4o with { AnswerWords = 1200 };
        await using var primary = await EmulatorKit.StartAsync(o => o.ApiKey = ProofFault.Marker, cheap, dear);
        await using var secondary = await EmulatorKit.StartAsync(o => o.ApiKey = ProofFault.Marker, cheap, dear);
        primary.Faults.Enqueue(EmulatorFault.HttpError(503), times: 10_000);
        var clock = new TestClock();
        using var sinks = new MarkerSinks(ProofFault.Marker);
        var ledger = new UsageLedger([sinks.Sink]);
        var options = new MaiClientOptions
        {
            Endpoint = transport.EmulatorEndpoint(primary),
            Transport = transport.Transport,
            Model = cheap.Name,
            ApiKey = ProofFault.Marker,
            DeploymentName = EmulatorKit.Primary,
            TimeProvider = clock,
            LoggerFactory = sinks.LoggerFactory,
            Ledger = ledger,
        };
        options.Fallbacks.Add(new MaiDeployment { Name = EmulatorKit.Secondary, Endpoint = transport.EmulatorEndpoint(secondary), Model = dear.Name, ApiKey = ProofFault.Marker, Transport = transport.Transport });
        options.Resilience.BaseDelay = TimeSpan.Zero;
        var cheapPrice = PriceTable.Default.FindPrice(null, cheap.Name) ?? new ModelPrice { InputPerMillion = 0.15m, OutputPerMillion = 0.60m };
        var dearPrice = PriceTable.Default.FindPrice(null, dear.Name) ?? new ModelPrice { InputPerMillion = 2.50m, OutputPerMillion = 10.00m };
        options.Prices = new PriceTable(new PriceTableOptions { Models = { [cheap.Name] = cheapPrice, [dear.Name] = dearPrice } });
        // Limits that admit a few dozen worst cases at once (each reserves the dear model's whole output ceiling), so the 100 calls
        // race for them: admission, settlement and failover all run concurrently.
        var maxCost = claude ? 40m : 5m;
        var maxTokens = claude ? 1_500_000L : 600_000L;
        options.Budgets.Add(new BudgetLimit { Name = "shared", MaxCost = maxCost, MaxTokens = maxTokens, Window = BudgetWindow.Total });
        using var client = new MaiClient(options);
        var tool = AIFunctionFactory.Create((string city, int days, string units) => "sunny", "get_forecast", "Gets the weather forecast of a city for some days");
        var callOptions = new ChatOptions { Tools = [tool] };
        var guard = EmulatorKit.Guard(90);

        var outcomes = await CallOutcome.RunConcurrentlyAsync(client, clock, callOptions, 100, guard);

        var answered = outcomes.Count(t => t >= 0);
        var records = ledger.GetRecords();
        var spentCost = records.Sum(r => r.Cost ?? 0m);
        var spentTokens = records.Sum(r => r.Usage.InputTokenCount + r.Usage.OutputTokenCount);
        var attempts = primary.Requests.Count(IsChat) + secondary.Requests.Count(IsChat);
        var billable = secondary.Requests.Count(IsChat) + primary.Requests.Count(IsChat); // 503s are Rejected (zero) records
        output.WriteLine("transport          calls answered refused attempts records  tokens/limit       cost/limit (USD)   overspend");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{transport.Name,-18} {100,5} {answered,8} {100 - answered,7} {attempts,8} {records.Count,7}  {spentTokens,6}/{maxTokens,-8}  {spentCost,9:0.######}/{maxCost,-6}  {Math.Max(0, spentTokens - maxTokens)} tokens, {Math.Max(0m, spentCost - maxCost)} USD"));
        Assert.True(answered > 0, "some calls fit the budget");
        Assert.All(outcomes.Where(t => t >= 0), t => Assert.True(t > 1_000, $"a long answer: {t} output tokens"));
        Assert.True(spentCost <= maxCost, $"spent {spentCost} USD over the {maxCost} USD limit");
        Assert.True(spentTokens <= maxTokens, $"spent {spentTokens} tokens over the {maxTokens} limit");
        Assert.Equal(billable, records.Count); // one record per attempt that reached a server
        Assert.Equal(answered, secondary.Requests.Count(IsChat));
        Assert.Empty(sinks.Hits);
    }

    private static bool IsChat(EmulatorRequest r) =>
        r.Method == "POST" && (r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal) || r.PathAndQuery.Contains("/v1/messages", StringComparison.Ordinal));
}
