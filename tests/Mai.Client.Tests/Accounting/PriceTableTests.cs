using Mai.Client.Accounting;
using Microsoft.Extensions.Configuration;

namespace Mai.Client.Tests.Accounting;

public class PriceTableTests
{
    private static readonly ModelPrice CustomPrice = new() { InputPerMillion = 3.00m, CachedInputPerMillion = 0.75m, OutputPerMillion = 12.00m };

    [Fact]
    public void ComputeCost_CachedAndReasoning_CountsEachTokenOnce()
    {
        // Service: prompt 100 (40 cached), completion 50 (30 of them reasoning).
        var usage = new MaiUsage(100, 50, 30, 40, 150, false);

        var cost = PriceTable.ComputeCost(usage, CustomPrice);

        // 60 × 3.00 + 40 × 0.75 + 50 × 12.00 = 180 + 30 + 600 = 810 per million.
        Assert.Equal(0.00081m, cost);
    }

    [Fact]
    public void ComputeCost_ShippedGpt4o_UsesCitedPrices()
    {
        var usage = new MaiUsage(100, 50, 30, 40, 150, false);

        // 60 × 2.50 + 40 × 1.25 + 50 × 10.00 = 150 + 50 + 500 = 700 per million.
        Assert.Equal(0.0007m, PriceTable.Default.ComputeCost(usage, "my-deployment", "gpt-4o"));
        var price = PriceTable.Default.FindPrice(null, "gpt-4o")!;
        Assert.NotNull(price.Source);
        Assert.Equal(new DateOnly(2026, 11, 29), price.AsOf);
    }

    [Theory]
    [InlineData("MAI-Thinking-1")]
    [InlineData("DeepSeek-R1")]
    [InlineData("some-unknown-model")]
    public void ComputeCost_ModelWithoutPrice_IsNullNotZero(string model)
    {
        Assert.Null(PriceTable.Default.ComputeCost(new MaiUsage(10, 10, 0, 0, 20, false), null, model));
        Assert.Null(PriceTable.Default.FindPrice(null, model));
    }

    [Fact]
    public void ComputeCost_CachedTokensWithoutCachedPrice_IsNull()
    {
        // o3-mini ships without a citable cached-input price.
        Assert.Null(PriceTable.Default.ComputeCost(new MaiUsage(100, 10, 0, 40, 110, false), null, "o3-mini"));
        Assert.Equal(0.0000154m, PriceTable.Default.ComputeCost(new MaiUsage(10, 1, 0, 0, 11, false), null, "o3-mini"));
    }

    [Fact]
    public void FromJson_UserEntries_OverrideDefaultsAndResolveAliasesAndDeployments()
    {
        const string json = """
            {
              // the user's contract prices
              "models": {
                "gpt-4o": { "inputPerMillion": 2.00, "cachedInputPerMillion": 1.00, "outputPerMillion": 8.00, "asOf": "2026-10-01", "source": "contract 42" },
                "MAI-Thinking-1": { "inputPerMillion": 1.5, "outputPerMillion": 6, "aliases": ["mai-thinking-1-preview"] }
              },
              "deployments": { "thinking-east": "MAI-Thinking-1" }
            }
            """;

        var table = PriceTable.FromJson(json);
        var usage = new MaiUsage(1_000_000, 1_000_000, 0, 0, 2_000_000, false);

        Assert.Equal(10.00m, table.ComputeCost(usage, null, "gpt-4o"));
        Assert.Equal(10.00m, table.ComputeCost(usage, null, "gpt-4o-2024-11-20")); // the default's alias no longer points at the default
        Assert.Equal(7.5m, table.ComputeCost(usage, null, "mai-thinking-1-preview"));
        Assert.Equal(7.5m, table.ComputeCost(usage, "thinking-east", null));
        Assert.Equal("MAI-Thinking-1", table.ResolveModel("thinking-east", null));
        Assert.Equal(0.75m, table.ComputeCost(usage, null, "gpt-4o-mini")); // untouched default
        Assert.Equal("contract 42", table.FindPrice(null, "GPT-4O")!.Source);
        Assert.Equal(new DateOnly(2026, 10, 1), table.FindPrice(null, "gpt-4o")!.AsOf);
    }

    [Fact]
    public void FromJson_IncludeDefaultsFalse_DropsShippedPrices()
    {
        var table = PriceTable.FromJson("""{ "includeDefaults": false, "models": { "x": { "inputPerMillion": 1, "outputPerMillion": 1, "currency": "EUR" } } }""");

        Assert.Null(table.FindPrice(null, "gpt-4o"));
        Assert.Equal("EUR", table.Currency);
    }

    [Fact]
    public void Constructor_MixedCurrencies_ThrowsNamingThem()
    {
        var options = new PriceTableOptions { Models = { ["x"] = new ModelPrice { InputPerMillion = 1, OutputPerMillion = 1, Currency = "EUR" } } };

        var ex = Assert.Throws<ArgumentException>(() => new PriceTable(options));

        Assert.Equal("PriceTableOptions.Models mixes currencies (USD, EUR); a price table holds one currency. Set IncludeDefaults = false to drop the shipped USD prices, or give every entry the same Currency. (Parameter 'options')", ex.Message);
    }

    [Fact]
    public void Constructor_NegativePrice_ThrowsNamingTheProperty()
    {
        var options = new PriceTableOptions { Models = { ["x"] = new ModelPrice { InputPerMillion = -1, OutputPerMillion = 1 } } };

        var ex = Assert.Throws<ArgumentException>(() => new PriceTable(options));

        Assert.Equal("PriceTableOptions.Models['x'].InputPerMillion must not be negative (was -1). (Parameter 'options')", ex.Message);
    }

    [Fact]
    public void FromJson_Malformed_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => PriceTable.FromJson("{ \"models\": [ }"));
    }

    [Fact]
    public void Options_BoundFromConfiguration_BuildTheSameTable()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mai:Prices:Models:MAI-Thinking-1:InputPerMillion"] = "1.5",
            ["Mai:Prices:Models:MAI-Thinking-1:OutputPerMillion"] = "6",
            ["Mai:Prices:Models:MAI-Thinking-1:AsOf"] = "2026-11-01",
            ["Mai:Prices:Models:MAI-Thinking-1:Source"] = "contract 42",
            ["Mai:Prices:Models:MAI-Thinking-1:Aliases:0"] = "mai-thinking",
            ["Mai:Prices:Deployments:thinking-east"] = "MAI-Thinking-1",
        }).Build();

        var options = configuration.GetSection("Mai:Prices").Get<PriceTableOptions>()!;
        var table = new PriceTable(options);

        Assert.Equal(7.5m, table.ComputeCost(new MaiUsage(1_000_000, 1_000_000, 0, 0, 2_000_000, false), "thinking-east", null));
        Assert.Equal(new DateOnly(2026, 11, 1), table.FindPrice(null, "mai-thinking")!.AsOf);
        Assert.NotNull(table.FindPrice(null, "gpt-4o"));
    }
}
