using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Accounting;

public class UsageLedgerTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetTotals_ByScopeModelAndWindow_SumsOnlyMatchingRecords()
    {
        var ledger = new UsageLedger();
        await ledger.RecordAsync(Record(Noon, new MaiScope("alice", "acme"), "gpt-4o", 100, 50, 0.001m), Ct);
        await ledger.RecordAsync(Record(Noon.AddMinutes(5), new MaiScope("bob", "acme"), "gpt-4o", 10, 5, 0.0001m, estimated: true), Ct);
        await ledger.RecordAsync(Record(Noon.AddHours(1), new MaiScope("carol", "globex"), "MAI-Thinking-1", 7, 3, null), Ct);

        var acme = ledger.GetTotals(new UsageQuery { Tenant = "acme" });
        Assert.Equal(2, acme.RecordCount);
        Assert.Equal(new MaiUsage(110, 55, 0, 0, 165, true), acme.Usage);
        Assert.Equal(1, acme.EstimatedRecordCount);
        Assert.Equal(0.0011m, acme.Cost);
        Assert.Equal(0, acme.UnpricedRecordCount);

        var firstHour = ledger.GetTotals(new UsageQuery { From = Noon, To = Noon.AddHours(1) });
        Assert.Equal(2, firstHour.RecordCount);

        var thinking = ledger.GetTotals(new UsageQuery { Model = "mai-thinking-1" });
        Assert.Equal(1, thinking.UnpricedRecordCount);
        Assert.Equal(0m, thinking.Cost);

        var byModel = ledger.GetTotalsByModel();
        Assert.Equal(165, byModel["gpt-4o"].Usage.TotalTokenCount);
        Assert.Equal(10, byModel["MAI-Thinking-1"].Usage.TotalTokenCount);
        Assert.Equal(3, ledger.GetRecords(new UsageQuery { Deployment = "DEP" }).Count);
        Assert.Empty(ledger.GetRecords(new UsageQuery { User = "ALICE" }));
    }

    [Fact]
    public async Task RecordAsync_OverCapacity_DropsOldestButSinksSeeEverything()
    {
        var sink = new MeteringChatClientTests.CollectingSink();
        var ledger = new UsageLedger([sink], maxRecords: 2);

        for (var i = 0; i < 3; i++)
        {
            await ledger.RecordAsync(Record(Noon.AddMinutes(i), MaiScope.None, "gpt-4o", i, 0, 0m), Ct);
        }

        Assert.Equal(2, ledger.Count);
        Assert.Equal([1L, 2L], ledger.GetRecords().Select(r => r.Usage.InputTokenCount));
        Assert.Equal(3, sink.Records.Count);
    }

    [Fact]
    public async Task RecordAsync_ConcurrentWriters_LoseNothing()
    {
        var ledger = new UsageLedger();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => ledger.RecordAsync(Record(Noon, MaiScope.None, "gpt-4o", 1, 1, 0m), Ct).AsTask(), Ct)));

        Assert.Equal(200, ledger.GetTotals().RecordCount);
        Assert.Equal(400, ledger.GetTotals().Usage.TotalTokenCount);
    }

    [Fact]
    public void WithScope_SetsKeysOnACopyAndMaiScopeReadsThem()
    {
        var original = new ChatOptions { ModelId = "gpt-4o" };

        var scoped = original.WithScope(user: "alice", tenant: "acme", tag: "summaries");

        Assert.Null(original.AdditionalProperties);
        Assert.Equal("alice", scoped.AdditionalProperties!["mai.scope.user"]);
        Assert.Equal(new MaiScope("alice", "acme", "summaries"), MaiScope.From(scoped));
        Assert.Equal("user 'alice', tenant 'acme', tag 'summaries'", MaiScope.From(scoped).ToString());
        Assert.Same(MaiScope.None, MaiScope.From(original));
        Assert.All(scoped.AdditionalProperties.Keys, k => Assert.True(MaiCallContext.IsInternalKey(k)));
    }

    private static UsageRecord Record(DateTimeOffset at, MaiScope scope, string model, long input, long output, decimal? cost, bool estimated = false) =>
        new(at, scope, "dep", model, new MaiUsage(input, output, 0, 0, input + output, estimated), cost, "USD", UsageOutcome.Succeeded, null);
}
