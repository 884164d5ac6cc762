using System.Text.Json;
using Mai.Client.Accounting;
using Mai.Console.Tests.TestSupport;
using Mai.Console.Usage;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Console.Tests.Usage;

public class UsageTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);

    private static UsageRecord Record(DateTimeOffset when, string model, long input, long output, decimal? cost, long reasoning = 0) =>
        new()
        {
            Timestamp = when,
            Scope = MaiScope.None,
            Deployment = "host/" + model,
            Model = model,
            Usage = new MaiUsage { InputTokenCount = input, OutputTokenCount = output, ReasoningTokenCount = reasoning, TotalTokenCount = input + output },
            Cost = cost,
            Currency = "USD",
            Outcome = UsageOutcome.Succeeded,
            ResponseId = "resp-1",
        };

    private static void Seed(string path)
    {
        using var sink = SqliteUsageSink.Open(path, "ask");
        sink.Write(Record(new(2026, 10, 20, 9, 0, 0, TimeSpan.Zero), "gpt-4o", 1000, 200, 3.00m), emulated: false);
        sink.Write(Record(new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero), "gpt-4o", 100, 20, 1.25m), emulated: false);
        sink.Write(Record(new(2026, 11, 10, 9, 0, 0, TimeSpan.Zero), "o3-mini", 50, 30, 0.50m, reasoning: 10), emulated: false);
        sink.Write(Record(new(2026, 11, 12, 9, 0, 0, TimeSpan.Zero), "DeepSeek-R1", 10, 5, null), emulated: false);
        sink.Write(Record(new(2026, 11, 13, 9, 0, 0, TimeSpan.Zero), "gpt-4o", 7, 7, 9.99m), emulated: true);
    }

    [Fact]
    public async Task Sink_ProcessKilledBeforeDispose_EveryRecordedCallIsOnDisk()
    {
        using var temp = new TempFolder();
        var path = temp.File("usage.db");
        var sink = SqliteUsageSink.Open(path, "compare");
        var ledger = new UsageLedger([sink]);
        await ledger.RecordAsync(Record(Now.AddMinutes(-3), "gpt-4o", 120, 80, 0.0011m), TestContext.Current.CancellationToken);
        await ledger.RecordAsync(Record(Now.AddMinutes(-2), "DeepSeek-R1", 90, 300, null, reasoning: 200), TestContext.Current.CancellationToken);
        await sink.ForEmulated().WriteAsync(Record(Now.AddMinutes(-1), "o3-mini", 10, 20, 0.0000880m), TestContext.Current.CancellationToken);

        // "Kill" the process: the sink is never disposed. Copy the files as they are on disk and read the copy with a new reader.
        var crashed = temp.File("crashed.db");
        File.Copy(path, crashed);
        File.Copy(path + "-wal", crashed + "-wal");
        var calls = UsageStore.Read(crashed, since: null);

        Assert.Equal(["gpt-4o", "DeepSeek-R1", "o3-mini"], calls.Select(c => c.Model));
        Assert.Equal([0.0011m, null, 0.0000880m], calls.Select(c => c.Cost));
        Assert.Equal([120L, 90, 10], calls.Select(c => c.InputTokens));
        Assert.Equal([80L, 300, 20], calls.Select(c => c.OutputTokens));
        Assert.Equal([0L, 200, 0], calls.Select(c => c.ReasoningTokens));
        Assert.Equal([false, false, true], calls.Select(c => c.Emulated));
        Assert.All(calls, c => Assert.Equal("compare", c.Command));
        Assert.Equal(Now.AddMinutes(-3), calls[0].Timestamp);
        sink.Dispose();
    }

    [Fact]
    public void ProjectMonth_HalfTheMonthGone_SpendDoubledExactly()
    {
        using var temp = new TempFolder();
        var path = temp.File("usage.db");
        Seed(path);
        var calls = UsageStore.Read(path, since: null).Where(c => !c.Emulated).ToList();

        var month = UsageSummary.ProjectMonth(calls, new FakeTimeProvider(Now));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), month.MonthStart);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), month.MonthEnd);
        Assert.Equal(3, month.Calls);
        Assert.Equal(1.75m, month.SpentByCurrency["USD"]);
        Assert.Equal(3.50m, month.ProjectedByCurrency["USD"]);
        Assert.Equal(1, month.UnpricedCalls);
        Assert.Equal(0.5, month.ElapsedFraction, 12);
    }

    [Fact]
    public void ProjectMonth_ElevenAndAHalfDaysOfThirtyOne_ExactRate()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 12, 12, 0, 0, TimeSpan.Zero));
        StoredCall call = new(new(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), "ask", "gpt-4o", "d", 1, 1, 0, 0, 2, false, 2.30m, "USD", "Succeeded", false);

        var month = UsageSummary.ProjectMonth([call], time);

        // 2.30 × 31 days ÷ 11.5 days.
        Assert.Equal(6.20m, month.ProjectedByCurrency["USD"]);
    }

    [Fact]
    public async Task Run_ByModel_TableTotalsAndMonthProjection()
    {
        using var temp = new TempFolder();
        var path = temp.File("usage.db");
        Seed(path);

        var (code, stdout, stderr) = await Cli.RunAsync(["usage", "--db", path], time: new FakeTimeProvider(Now));

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Equal($"Usage all time, by model (4 recorded calls; {path})", lines[0]);
        Assert.Matches(@"│ gpt-4o +│ +2 │ +1,100 │ +220 │ +0 │ +0 │ +1,320 │ 4.25 USD +│", stdout);
        Assert.Matches(@"│ o3-mini +│ +1 │ +50 │ +30 │ +10 │ +0 │ +80 │ 0.50 USD +│", stdout);
        Assert.Matches(@"│ DeepSeek-R1 +│ +1 │ +10 │ +5 │ +0 │ +0 │ +15 │ unknown +│", stdout);
        Assert.Matches(@"│ total +│ +4 │ +1,160 │ +255 │ +10 │ +0 │ +1,415 │ 4.75 USD \+ unknown for 1 call +│", stdout);
        Assert.Contains("This month (2026-11): 1.75 USD over 15.0 of 30 days; at this rate 3.50 USD by 2026-11-30 (1 call with unknown cost not included).", lines);
        Assert.Contains("1 call served by the embedded emulator not shown (--emulated to include).", lines);
    }

    [Fact]
    public async Task Run_SinceByMonthWithEmulated_GroupsAndFilters()
    {
        using var temp = new TempFolder();
        var path = temp.File("usage.db");
        Seed(path);
        var env = new Dictionary<string, string?> { ["MAI_USAGE_DB"] = path };

        var (code, stdout, _) = await Cli.RunAsync(["usage", "--by", "month", "--since", "2026-11-01", "--emulated"], env, time: new FakeTimeProvider(Now));

        Assert.Equal(0, code);
        Assert.DoesNotContain("2026-10", stdout.Split('\n').Where(l => l.StartsWith('│')));
        Assert.Matches(@"│ 2026-11 +│ +4 │ +167 │ +62 │ +10 │", stdout);
        Assert.Contains("Usage since 2026-11-01 00:00, by month (4 recorded calls;", stdout);

        // The projection includes the emulated call now: 1.75 + 9.99 spent in half the month.
        Assert.Contains("This month (2026-11): 11.74 USD over 15.0 of 30 days; at this rate 23.48 USD by 2026-11-30", stdout);
    }

    [Fact]
    public async Task Run_AskTwiceThenUsage_EveryCallRecordedWithItsTokens()
    {
        using var temp = new TempFolder();
        var db = temp.File("calls.db");
        long input = 0, output = 0;
        foreach (var prompt in (string[])["Why is the sky blue?", "Why is grass green?"])
        {
            var (askCode, json, _) = await Cli.RunAsync(["ask", "--json", "--db", db, prompt]);
            Assert.Equal(0, askCode);
            using var result = JsonDocument.Parse(json);
            input += result.RootElement.GetProperty("usage").GetProperty("input_tokens").GetInt64();
            output += result.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt64();
        }

        var (code, stdout, _) = await Cli.RunAsync(["usage", "--db", db, "--emulated"]);
        var (_, hidden, _) = await Cli.RunAsync(["usage", "--db", db]);

        Assert.Equal(0, code);
        Assert.Matches($@"│ MAI-Thinking-1 \(emulated\) +│ +2 │ +{input:N0} │ +{output:N0} │", stdout);
        Assert.Contains("2 calls served by the embedded emulator not shown (--emulated to include).", hidden);
    }

    [Fact]
    public async Task Run_NoDatabaseYet_SaysNoCallsAndCreatesNothing()
    {
        using var temp = new TempFolder();
        var path = temp.File("none-yet.db");

        var (code, stdout, _) = await Cli.RunAsync(["usage", "--db", path], time: new FakeTimeProvider(Now));

        Assert.Equal(0, code);
        Assert.Contains("(0 recorded calls;", stdout);
        Assert.Contains("This month (2026-11): no calls yet (15.0 of 30 days); projected spend 0.00 USD.", stdout);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Run_BadGrouping_ValidationError()
    {
        var (code, _, stderr) = await Cli.RunAsync(["usage", "--db", "x.db", "--by", "week"]);

        Assert.NotEqual(0, code);
        Assert.Contains("--by must be model, day or month; it was 'week'.", stderr);
    }

    [Fact]
    public async Task Run_Json_OneObjectWithRowsTotalAndProjectionInEachCurrency()
    {
        using var temp = new TempFolder();
        var path = temp.File("usage.db");
        Seed(path);

        var (code, stdout, stderr) = await Cli.RunAsync(["usage", "--db", path, "--json"], time: new FakeTimeProvider(Now));

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("model", root.GetProperty("by").GetString());
        Assert.Equal(1, root.GetProperty("emulated_hidden").GetInt32());
        Assert.Equal(["gpt-4o", "o3-mini", "DeepSeek-R1"], root.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("key").GetString()));
        var total = root.GetProperty("total");
        Assert.Equal(4, total.GetProperty("calls").GetInt32());
        Assert.Equal(1415, total.GetProperty("total_tokens").GetInt64());
        Assert.Equal(4.75m, total.GetProperty("cost")[0].GetProperty("amount").GetDecimal());
        Assert.Equal("USD", total.GetProperty("cost")[0].GetProperty("currency").GetString());
        Assert.Equal(1, total.GetProperty("unpriced_calls").GetInt32());
        var month = root.GetProperty("month");
        Assert.Equal("2026-11", month.GetProperty("month").GetString());
        Assert.Equal(1.75m, month.GetProperty("spent")[0].GetProperty("amount").GetDecimal());
        Assert.Equal(3.50m, month.GetProperty("projected")[0].GetProperty("amount").GetDecimal());
        Assert.Equal("USD", month.GetProperty("projected")[0].GetProperty("currency").GetString());
    }

    [Fact]
    public void FormatProjection_OnlyUnpricedCalls_ProjectedSpendNamesTheCurrency()
    {
        StoredCall call = new(new(2026, 11, 5, 0, 0, 0, TimeSpan.Zero), "ask", "DeepSeek-R1", "d", 1, 1, 0, 0, 2, false, null, "USD", "Succeeded", false);

        var text = Mai.Console.Commands.UsageCommand.FormatProjection(UsageSummary.ProjectMonth([call], new FakeTimeProvider(Now)));

        Assert.Equal("This month (2026-11): 0.00 USD over 15.0 of 30 days; at this rate 0.00 USD by 2026-11-30 (1 call with unknown cost not included).", text);
    }
}
