using Mai.Client.Tests.TestSupport;
using Azure.Core;
using Azure.Identity;
using Mai.Client.Accounting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Mai.Client.Tests.Hosting.HostingTestKit;

namespace Mai.Client.Tests.Hosting;

public class MaiServiceCollectionExtensionsBindingTests
{
    /// <summary>Every setting of the schema (src/Mai.Client/Hosting/README.md), each with a value other than its default.</summary>
    internal const string SchemaExample = """
        {
          "Mai": {
            "Endpoint": "https://thinking-east.services.ai.azure.com/models",
            "Model": "MAI-Thinking-1",
            "ApiKey": "sk-hosting-NEVER-SHOW-7f3a9c",
            "DeploymentName": "thinking-east",
            "Transport": "AzureInference",
            "ApiVersion": "2024-05-01-preview",
            "NetworkTimeout": "00:15:00",
            "SplitReasoning": false,
            "ContextWindowTokens": 131072,
            "TokensPerMinute": 200000,
            "RequestsPerMinute": 300,
            "EnableResilience": true,
            "EnableMetering": true,
            "ReportEstimatedUsage": true,
            "Fallbacks": [
              {
                "Name": "thinking-west",
                "Endpoint": "https://thinking-west.services.ai.azure.com/models",
                "Model": "MAI-Thinking-1",
                "ManagedIdentityClientId": "11111111-2222-3333-4444-555555555555",
                "ContextWindowTokens": 65536,
                "TokensPerMinute": 100000,
                "RequestsPerMinute": 150
              },
              {
                "Endpoint": "https://gpt.openai.azure.com/openai/deployments/gpt-4o",
                "Model": "gpt-4o",
                "ApiKey": "sk-hosting-NEVER-SHOW-7f3a9c-gpt"
              }
            ],
            "Resilience": {
              "MaxRetries": 5,
              "MaxAttemptsPerDeployment": 3,
              "BaseDelay": "00:00:01.500",
              "MaxDelay": "00:00:20",
              "MaxRetryAfter": "00:00:45",
              "TotalTimeout": "00:08:00",
              "AttemptTimeout": "00:04:00",
              "FirstUpdateTimeout": "00:01:30",
              "IdleTimeout": "-00:00:00.001",
              "RetryableStatusCodes": [ 429, 503 ],
              "CircuitBreakerFailureRatio": 0.25,
              "CircuitBreakerMinimumThroughput": 20,
              "CircuitBreakerSamplingDuration": "00:02:00",
              "CircuitBreakerBreakDuration": "00:00:45"
            },
            "Prices": {
              "IncludeDefaults": true,
              "Models": {
                "MAI-Thinking-1": {
                  "InputPerMillion": 1.25,
                  "CachedInputPerMillion": 0.5,
                  "OutputPerMillion": 5.0,
                  "Currency": "USD",
                  "AsOf": "2026-11-01",
                  "Source": "contract 42",
                  "Aliases": [ "mai-thinking" ]
                }
              },
              "Deployments": { "thinking-west": "MAI-Thinking-1" }
            },
            "Budgets": [
              { "Name": "per-tenant-daily", "Tenant": "*", "Window": "Day", "MaxTokens": 1000000 },
              { "Name": "monthly-spend", "User": "alice", "Tag": "batch", "Window": "Month", "MaxCost": 250.50 }
            ]
          }
        }
        """;

    [Fact]
    public void AddMaiClient_SchemaExample_BindsEveryTopLevelSetting()
    {
        var options = BoundOptions(Json(SchemaExample).GetSection("Mai"));

        Assert.Equal(new Uri("https://thinking-east.services.ai.azure.com/models"), options.Endpoint);
        Assert.Equal("MAI-Thinking-1", options.Model);
        Assert.Equal(SecretKey, options.ApiKey);
        Assert.Null(options.Credential); // a key is set: no Entra ID credential for the primary
        Assert.Equal("thinking-east", options.DeploymentName);
        Assert.Equal(MaiTransport.AzureInference, options.Transport);
        Assert.Equal("2024-05-01-preview", options.ApiVersion);
        Assert.Equal(TimeSpan.FromMinutes(15), options.NetworkTimeout);
        Assert.False(options.SplitReasoning);
        Assert.Equal(131072, options.ContextWindowTokens);
        Assert.Equal(200000, options.TokensPerMinute);
        Assert.Equal(300, options.RequestsPerMinute);
        Assert.True(options.EnableResilience);
        Assert.True(options.EnableMetering);
        Assert.True(options.ReportEstimatedUsage);
    }

    [Fact]
    public void AddMaiClient_SchemaExample_BindsFallbacksInOrder()
    {
        var options = BoundOptions(Json(SchemaExample).GetSection("Mai"));

        Assert.Equal(2, options.Fallbacks.Count);
        var west = options.Fallbacks[0];
        Assert.Equal("thinking-west", west.Name);
        Assert.Equal(new Uri("https://thinking-west.services.ai.azure.com/models"), west.Endpoint);
        Assert.Equal("MAI-Thinking-1", west.Model);
        Assert.Null(west.ApiKey);
        Assert.IsType<DefaultAzureCredential>(west.Credential);
        Assert.Equal(65536, west.ContextWindowTokens);
        Assert.Equal(100000, west.TokensPerMinute);
        Assert.Equal(150, west.RequestsPerMinute);

        var gpt = options.Fallbacks[1];
        Assert.Null(gpt.Name);
        Assert.Equal(new Uri("https://gpt.openai.azure.com/openai/deployments/gpt-4o"), gpt.Endpoint);
        Assert.Equal("gpt-4o", gpt.Model);
        Assert.Equal(SecretKey + "-gpt", gpt.ApiKey);
        Assert.Null(gpt.Credential);
        Assert.Null(gpt.ContextWindowTokens);
    }

    [Fact]
    public void AddMaiClient_SchemaExample_BindsResilienceAndReplacesRetryableStatuses()
    {
        var resilience = BoundOptions(Json(SchemaExample).GetSection("Mai")).Resilience;

        Assert.Equal(5, resilience.MaxRetries);
        Assert.Equal(3, resilience.MaxAttemptsPerDeployment);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), resilience.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), resilience.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(45), resilience.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(8), resilience.TotalTimeout);
        Assert.Equal(TimeSpan.FromMinutes(4), resilience.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(90), resilience.FirstUpdateTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, resilience.IdleTimeout);
        Assert.Equal([429, 503], resilience.RetryableStatusCodes.Order());
        Assert.Equal(0.25, resilience.CircuitBreakerFailureRatio);
        Assert.Equal(20, resilience.CircuitBreakerMinimumThroughput);
        Assert.Equal(TimeSpan.FromMinutes(2), resilience.CircuitBreakerSamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(45), resilience.CircuitBreakerBreakDuration);
    }

    [Fact]
    public void AddMaiClient_NoResilienceSection_KeepsTheDefaults()
    {
        var resilience = BoundOptions(Pairs(("Mai:Endpoint", "https://a.services.ai.azure.com/models"), ("Mai:ApiKey", SecretKey)).GetSection("Mai")).Resilience;

        Assert.Equal([408, 429, 500, 502, 503, 504, 529], resilience.RetryableStatusCodes.Order());
        Assert.Equal(3, resilience.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(800), resilience.BaseDelay);
    }

    [Fact]
    public void AddMaiClient_SchemaExample_BuildsPricesOverTheShippedDefaults()
    {
        var prices = BoundOptions(Json(SchemaExample).GetSection("Mai")).Prices;

        var price = prices.FindPrice(null, "mai-thinking")!;
        Assert.Equal(1.25m, price.InputPerMillion);
        Assert.Equal(0.5m, price.CachedInputPerMillion);
        Assert.Equal(5.0m, price.OutputPerMillion);
        Assert.Equal(new DateOnly(2026, 11, 1), price.AsOf);
        Assert.Equal("contract 42", price.Source);
        // 1M uncached input at 1.25 + 1M output at 5.00, found through the deployment mapping.
        Assert.Equal(6.25m, prices.ComputeCost(new MaiUsage(1_000_000, 1_000_000, 0, 0, 2_000_000, false), "thinking-west", null));
        Assert.Equal(10.00m, prices.FindPrice(null, "gpt-4o")!.OutputPerMillion); // shipped default kept
    }

    [Fact]
    public void AddMaiClient_PricesWithoutDefaults_DropsTheShippedPrices()
    {
        var prices = BoundOptions(Pairs(
            ("Mai:Endpoint", "https://a.services.ai.azure.com/models"),
            ("Mai:ApiKey", SecretKey),
            ("Mai:Prices:IncludeDefaults", "false"),
            ("Mai:Prices:Models:gpt-4o:InputPerMillion", "3"),
            ("Mai:Prices:Models:gpt-4o:OutputPerMillion", "12")).GetSection("Mai")).Prices;

        Assert.Equal(12m, prices.FindPrice(null, "gpt-4o")!.OutputPerMillion);
        Assert.Null(prices.FindPrice(null, "gpt-4o-mini"));
    }

    [Fact]
    public void AddMaiClient_NoPricesSection_UsesTheDefaultTable()
    {
        var options = BoundOptions(Pairs(("Mai:Endpoint", "https://a.services.ai.azure.com/models"), ("Mai:ApiKey", SecretKey)).GetSection("Mai"));

        Assert.Same(PriceTable.Default, options.Prices);
    }

    [Fact]
    public void AddMaiClient_SchemaExample_BindsBudgets()
    {
        var budgets = BoundOptions(Json(SchemaExample).GetSection("Mai")).Budgets;

        Assert.Equal(2, budgets.Count);
        Assert.Equal("per-tenant-daily", budgets[0].Name);
        Assert.Equal(BudgetLimit.EachValue, budgets[0].Tenant);
        Assert.Null(budgets[0].User);
        Assert.Equal(BudgetWindow.Day, budgets[0].Window);
        Assert.Equal(1_000_000L, budgets[0].MaxTokens);
        Assert.Null(budgets[0].MaxCost);
        Assert.Equal("monthly-spend", budgets[1].Name);
        Assert.Equal("alice", budgets[1].User);
        Assert.Equal("batch", budgets[1].Tag);
        Assert.Equal(BudgetWindow.Month, budgets[1].Window);
        Assert.Equal(250.50m, budgets[1].MaxCost);
        Assert.Null(budgets[1].MaxTokens);
    }

    [Fact]
    public void AddMaiClient_SchemaExample_BuildsAClient()
    {
        var services = new ServiceCollection();
        services.AddMaiClient(Json(SchemaExample).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var client = provider.GetRequiredService<MaiClient>();

        Assert.Same(client.ChatClient, provider.GetRequiredService<Microsoft.Extensions.AI.IChatClient>());
    }

    [Fact]
    public void AddMaiClient_ConfigureDelegate_RunsAfterBinding()
    {
        string? boundModel = null;
        var services = new ServiceCollection();
        services.AddMaiClient(Json(SchemaExample).GetSection("Mai"), o =>
        {
            boundModel = o.Model;
            o.Model = "gpt-4o";
            o.Resilience.MaxRetries = 1;
        });
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Options.DefaultName);

        Assert.Equal("MAI-Thinking-1", boundModel);
        Assert.Equal("gpt-4o", options.Model);
        Assert.Equal(1, options.Resilience.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.Resilience.BaseDelay); // the rest stays bound
    }

    [Fact]
    public void AddMaiClient_ManagedIdentityClientId_IsSharedByFallbacksWithoutTheirOwn()
    {
        var options = BoundOptions(Pairs(
            ("Mai:Endpoint", "https://east.services.ai.azure.com/models"),
            ("Mai:ManagedIdentityClientId", "11111111-2222-3333-4444-555555555555"),
            ("Mai:Fallbacks:0:Endpoint", "https://west.services.ai.azure.com/models"),
            ("Mai:Fallbacks:1:Endpoint", "https://north.services.ai.azure.com/models"),
            ("Mai:Fallbacks:1:ManagedIdentityClientId", "66666666-7777-8888-9999-000000000000")).GetSection("Mai"));

        Assert.IsType<DefaultAzureCredential>(options.Credential);
        Assert.Same(options.Credential, options.Fallbacks[0].Credential);
        Assert.IsType<DefaultAzureCredential>(options.Fallbacks[1].Credential);
        Assert.NotSame(options.Credential, options.Fallbacks[1].Credential);
    }

    [Fact]
    public void AddMaiClient_NoKeyNoCredential_UsesTheContainersTokenCredentialKeyedFirst()
    {
        var shared = new StaticTokenCredential();
        var forGpt = new StaticTokenCredential();
        var configuration = Pairs(
            ("Clients:gpt4o:Endpoint", "https://gpt.services.ai.azure.com/models"),
            ("Clients:gpt4o:Fallbacks:0:Endpoint", "https://gpt-west.services.ai.azure.com/models"),
            ("Clients:r1:Endpoint", "https://r1.services.ai.azure.com/models"));
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(shared);
        services.AddKeyedSingleton<TokenCredential>("gpt4o", forGpt);
        services.AddMaiClient("gpt4o", configuration.GetSection("Clients:gpt4o"));
        services.AddMaiClient("r1", configuration.GetSection("Clients:r1"));
        using var provider = services.BuildServiceProvider();
        var monitor = provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>();

        Assert.Same(forGpt, monitor.Get("gpt4o").Credential);
        Assert.Same(forGpt, monitor.Get("gpt4o").Fallbacks[0].Credential);
        Assert.Same(shared, monitor.Get("r1").Credential);
    }

    [Fact]
    public void AddMaiClient_NoCredentialAnywhere_SharesOneDefaultAzureCredential()
    {
        var options = BoundOptions(Pairs(
            ("Mai:Endpoint", "https://east.services.ai.azure.com/models"),
            ("Mai:Fallbacks:0:Endpoint", "https://west.services.ai.azure.com/models")).GetSection("Mai"));

        Assert.IsType<DefaultAzureCredential>(options.Credential);
        Assert.Same(options.Credential, options.Fallbacks[0].Credential);
    }

    [Fact]
    public void AddMaiClient_ReadmeSchema_BindsAndValidates()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "src", "Mai.Client", "Hosting", "README.md"));
        var start = readme.IndexOf("```json", StringComparison.Ordinal) + "```json".Length;
        var json = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        var services = new ServiceCollection();
        services.AddMaiClient(Json(json).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Options.DefaultName);

        Assert.Equal(new Uri("https://thinking-east.services.ai.azure.com/models"), options.Endpoint);
        Assert.Equal("thinking-west", Assert.Single(options.Fallbacks).Name);
        Assert.Equal(2, options.Budgets.Count);
        Assert.Equal(6.25m, options.Prices.ComputeCost(new MaiUsage(1_000_000, 1_000_000, 0, 0, 2_000_000, false), "thinking-west", null));
    }

    [Fact]
    public void AddMaiClient_CamelCaseKeys_BindTheSameSettings()
    {
        var options = BoundOptions(Json("""
            { "mai": { "endpoint": "https://a.services.ai.azure.com/models", "apiKey": "k", "resilience": { "maxRetries": 7 },
                       "fallbacks": [ { "endpoint": "https://b.services.ai.azure.com/models", "apiKey": "k2" } ] } }
            """).GetSection("Mai"));

        Assert.Equal(new Uri("https://a.services.ai.azure.com/models"), options.Endpoint);
        Assert.Equal(7, options.Resilience.MaxRetries);
        Assert.Equal(new Uri("https://b.services.ai.azure.com/models"), Assert.Single(options.Fallbacks).Endpoint);
    }


    private static MaiClientOptions BoundOptions(IConfiguration section)
    {
        var services = new ServiceCollection();
        services.AddMaiClient(section);
        var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Options.DefaultName);
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("token", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) => new(GetToken(requestContext, cancellationToken));
    }
}
