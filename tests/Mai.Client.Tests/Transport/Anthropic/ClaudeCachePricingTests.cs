using Mai.Client.Accounting;
using Mai.Client.Tests.Integration;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport.Anthropic;

/// <summary>Claude's cache writes (dearer than input) and cache reads (far cheaper) are charged at their own prices by metering and budgets.</summary>
public sealed class ClaudeCachePricingTests
{
    [Fact]
    public void ComputeCost_CacheWritesAndReads_EachAtItsOwnPrice()
    {
        var price = new ModelPrice { InputPerMillion = 5m, CacheWriteInputPerMillion = 6.25m, CachedInputPerMillion = 0.5m, OutputPerMillion = 25m };
        var usage = new MaiUsage(InputTokenCount: 10_000, OutputTokenCount: 1_000, ReasoningTokenCount: 0, CachedInputTokenCount: 4_000, TotalTokenCount: 11_000, IsEstimated: false)
        {
            CacheWriteInputTokenCount = 5_000,
        };

        Assert.Equal(((1_000 * 5m) + (5_000 * 6.25m) + (4_000 * 0.5m) + (1_000 * 25m)) / 1_000_000m, PriceTable.ComputeCost(usage, price));
    }

    [Fact]
    public void ComputeCost_CacheWritesWithoutACacheWritePrice_IsUnknownNotZero()
    {
        var price = new ModelPrice { InputPerMillion = 5m, CachedInputPerMillion = 0.5m, OutputPerMillion = 25m };
        var usage = new MaiUsage(100, 10, 0, 0, 110, false) { CacheWriteInputTokenCount = 50 };

        Assert.Null(PriceTable.ComputeCost(usage, price));
    }

    [Fact]
    public void DefaultPrices_ClaudeOnFoundry_ShipWithTheirSourceAndCacheRates()
    {
        var opus = PriceTable.Default.FindPrice(null, "claude-opus-4-6")!;

        Assert.Equal((5.00m, 6.25m, 0.50m, 25.00m), (opus.InputPerMillion, opus.CacheWriteInputPerMillion, opus.CachedInputPerMillion, opus.OutputPerMillion));
        Assert.Contains("platform.claude.com/docs/en/about-claude/pricing", opus.Source, StringComparison.Ordinal);
        Assert.Contains("claude-in-microsoft-foundry", opus.Source, StringComparison.Ordinal);
        Assert.Equal(1.25m, PriceTable.Default.FindPrice(null, "claude-haiku-4-5-20251001")!.CacheWriteInputPerMillion);
    }

    [Fact]
    public void FromJson_CacheWritePrice_IsBound()
    {
        var table = PriceTable.FromJson("""{ "models": { "claude-x": { "inputPerMillion": 3, "cacheWriteInputPerMillion": 3.75, "cachedInputPerMillion": 0.3, "outputPerMillion": 15 } } }""");

        Assert.Equal(3.75m, table.FindPrice(null, "claude-x")!.CacheWriteInputPerMillion);
    }

    [Fact]
    public async Task MeteringAndBudget_ClaudeCacheWriteThenRead_ChargedAtTheirOwnPrices()
    {
        await using var emu = await EmulatorKit.StartAsync();
        var ledger = new UsageLedger();
        var options = new MaiClientOptions
        {
            Endpoint = emu.AnthropicEndpoint,
            Model = "claude-sonnet-4-6",
            ApiKey = emu.ApiKey,
            TimeProvider = new TestClock(),
            Ledger = ledger,
        };
        options.Budgets.Add(new BudgetLimit { Name = "all", MaxCost = 10m });
        using var client = new MaiClient(options);
        var system = string.Concat(Enumerable.Repeat("The handbook says the sky is blue because of Rayleigh scattering. ", 120));
        var chat = new ChatOptions { Instructions = system, AdditionalProperties = new() { ["cache_control"] = new Dictionary<string, string> { ["type"] = "ephemeral" } } };

        var write = await client.AskAsync("Why?", chat, EmulatorKit.Guard());
        var read = await client.AskAsync("Why?", chat, EmulatorKit.Guard());

        static decimal Sonnet(MaiUsage u) =>
            (((u.InputTokenCount - u.CacheWriteInputTokenCount - u.CachedInputTokenCount) * 3.00m) + (u.CacheWriteInputTokenCount * 3.75m)
             + (u.CachedInputTokenCount * 0.30m) + (u.OutputTokenCount * 15.00m)) / 1_000_000m;
        Assert.True(write.Usage!.CacheWriteInputTokenCount > 1024);
        Assert.Equal(write.Usage.CacheWriteInputTokenCount, read.Usage!.CachedInputTokenCount);
        Assert.Equal(Sonnet(write.Usage), write.Cost);
        Assert.Equal(Sonnet(read.Usage), read.Cost);
        Assert.True(write.Cost > read.Cost);
        var totals = ledger.GetTotals();
        Assert.Equal(write.Cost + read.Cost, totals.Cost);
        Assert.Equal(write.Usage.CacheWriteInputTokenCount, totals.Usage.CacheWriteInputTokenCount);
        var budget = client.ChatClient.GetService<BudgetChatClient>()!;
        Assert.Equal(write.Cost + read.Cost, (await budget.GetBalanceAsync("all", cancellationToken: EmulatorKit.Guard())).Cost);
    }
}
