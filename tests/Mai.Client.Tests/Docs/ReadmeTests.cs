using System.Text;
using Mai.Client.Accounting;
using Mai.Client.Tests.TestSupport;
using Mai.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Mai.Client.Tests.Docs;

/// <summary>The README's code and data blocks are real: each is parsed, bound or run here (against the emulator).</summary>
public class ReadmeTests
{
    [Fact]
    public void PriceFile_ParsesAndPricesTheDeploymentThroughItsModel()
    {
        var table = PriceTable.FromJson(Block("A price file"));

        var cost = table.ComputeCost(new MaiUsage(1_000_000, 1_000_000, 0, 400_000, 2_000_000, false), "mai-eastus", null);

        Assert.Equal((600_000m * 1.00m + 400_000m * 0.25m + 1_000_000m * 4.00m) / 1_000_000m, cost);
    }

    [Fact]
    public void ConfigurationExample_BindsAndValidates()
    {
        var json = Block("A configuration:");
        var services = new ServiceCollection();
        services.AddMaiClient(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Mai"), o => o.ApiKey = "k");
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Options.DefaultName);

        Assert.Equal("thinking-west", Assert.Single(options.Fallbacks).Name);
        Assert.Equal(131072, options.ContextWindowTokens);
        Assert.Equal(1.25m, options.Prices.FindPrice(null, "MAI-Thinking-1")!.InputPerMillion);
        Assert.Equal(BudgetWindow.Day, Assert.Single(options.Budgets).Window);
    }

    [Fact]
    public async Task QuickStartAndStreaming_RunAsWrittenAgainstTheEmulator()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var client = new MaiClient(new MaiClientOptions { Endpoint = emu.Endpoint, Model = "MAI-Thinking-1", ApiKey = emu.ApiKey });

        MaiResult result = await client.AskAsync("Why is the sky blue?", cancellationToken: TestContext.Current.CancellationToken);
        var kinds = new List<MaiUpdateKind>();
        await foreach (MaiUpdate update in client.StreamAsync("Why is the sky blue?", cancellationToken: TestContext.Current.CancellationToken))
        {
            kinds.Add(update.Kind);
        }

        Assert.DoesNotContain("<think>", result.Answer);
        Assert.NotNull(result.Reasoning);
        Assert.True(result.Usage!.ReasoningTokenCount > 0);
        Assert.Contains(MaiUpdateKind.Reasoning, kinds);
        Assert.Contains(MaiUpdateKind.Answer, kinds);
        Assert.Equal(MaiUpdateKind.Completed, kinds[^1]);
    }

    [Fact]
    public async Task BudgetSnippet_ScopedCallIsAccountedToTheUser()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var options = new MaiClientOptions { Endpoint = emu.Endpoint, ApiKey = emu.ApiKey, Model = "MAI-Thinking-1", Prices = PriceTable.FromJson(Block("A price file")) };
        options.Budgets.Add(new BudgetLimit { Name = "per-user daily", User = BudgetLimit.EachValue, Window = BudgetWindow.Day, MaxTokens = 200_000 });
        using var client = new MaiClient(options);

        var result = await client.AskAsync("hello", new ChatOptions().WithScope(user: "alice"), TestContext.Current.CancellationToken);

        Assert.Equal("alice", Assert.Single(result.UsageRecords).Scope.User);
        Assert.NotNull(result.Cost);
        Assert.Equal("USD", result.Currency);
    }

    /// <summary>The first fenced block after <paramref name="heading"/> in README.md.</summary>
    private static string Block(string heading)
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var at = readme.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"README.md has no '{heading}'");
        var start = readme.IndexOf('\n', readme.IndexOf("```", at, StringComparison.Ordinal)) + 1;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }

}
