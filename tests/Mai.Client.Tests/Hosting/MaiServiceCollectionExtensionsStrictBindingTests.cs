using Mai.Client.Accounting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Mai.Client.Tests.Hosting.HostingTestKit;

namespace Mai.Client.Tests.Hosting;

/// <summary>
/// Issue 12, item 1: a setting that does not bind is a start-up error naming the key, never a silent default (a budget that
/// disappears, nothing retried, a fallback fewer), through every source: in-memory pairs, environment variables and appsettings JSON.
/// </summary>
public class MaiServiceCollectionExtensionsStrictBindingTests
{
    private const string Int64 = "is not a valid Int64: expected a whole number in digits.";
    private const string Int32 = "is not a valid Int32: expected a whole number in digits.";
    private const string Decimal = "is not a valid Decimal: expected a number with '.' as the decimal point.";

    public static TheoryData<string, string, string> UnboundSettings => new()
    {
        { "Budgets:0:MaxTokens", "5e0", $"Mai:Budgets:0:MaxTokens {Int64}" },
        { "Budgets:0:MaxTokens", "1_000_000", $"Mai:Budgets:0:MaxTokens {Int64}" },
        { "Budgets:0:MaxTokens", "1,000,000", $"Mai:Budgets:0:MaxTokens {Int64}" },
        { "Budgets:0:MaxCost", "NaN", $"Mai:Budgets:0:MaxCost {Decimal}" },
        { "Budgets:0:MaxCost", "abc", $"Mai:Budgets:0:MaxCost {Decimal}" },
        { "Budgets:0:MaxCost", "1,5", $"Mai:Budgets:0:MaxCost {Decimal}" },
        { "Budgets:0:Window", "Fortnight", "Mai:Budgets:0:Window is not a valid BudgetWindow: expected one of Minute, Day, Month, Total." },
        { "Budgets:0:Window", "7", "Mai:Budgets:0:Window is not a BudgetWindow value (was 7)." },
        { "Resilience:RetryableStatusCodes:1", "5o3", $"Mai:Resilience:RetryableStatusCodes:1 {Int32}" },
        { "Resilience:RetryableStatusCodes:0", "", $"Mai:Resilience:RetryableStatusCodes:0 {Int32}" },
        { "Resilience:MaxRetries", "three", $"Mai:Resilience:MaxRetries {Int32}" },
        { "Resilience:MaxRetries", "0x10", $"Mai:Resilience:MaxRetries {Int32}" },
        { "Resilience:MaxRetries", "#10", $"Mai:Resilience:MaxRetries {Int32}" },
        { "Budgets:0:MaxTokens", "0x3E8", $"Mai:Budgets:0:MaxTokens {Int64}" },
        { "Resilience:CircuitBreakerFailureRatio", "NaN", "Mai:Resilience:CircuitBreakerFailureRatio must be greater than 0 and at most 1; it was NaN." },
        { "Fallbacks:0:ContextWindowTokens", "lots", $"Mai:Fallbacks:0:ContextWindowTokens {Int32}" },
        { "Fallbacks:0:Nmae", "west", "Mai:Fallbacks:0:Nmae is not a Mai.Client setting; check its spelling." },
        { "Fallbacks:0:Credential", "west", "Mai:Fallbacks:0:Credential cannot be set in configuration: set it in code, or register the service in the container." },
        { "HttpClient:Timeout", "00:01:00", "Mai:HttpClient:Timeout cannot be set in configuration: set it in code, or register the service in the container." },
        { "SplitReasoning", "yes", "Mai:SplitReasoning is not a valid Boolean: expected true or false." },
        { "Prices:Models:gpt-4o:OutputPerMillion", "1,5", $"Mai:Prices:Models:gpt-4o:OutputPerMillion {Decimal}" },
        { "Prices:Models:gpt-4o:AsOf", "yesterday", "Mai:Prices:Models:gpt-4o:AsOf is not a valid DateOnly: expected a date such as 2026-11-01." },
        { "ManagedIdentityClientId", " ", "Mai:ManagedIdentityClientId is set but empty; remove it to use the default credential." },
    };

    [Theory]
    [MemberData(nameof(UnboundSettings))]
    public void Validate_SettingThatDoesNotBind_FailsStartUpNamingTheKey(string key, string value, string expected)
    {
        using var provider = Provider(Valid().Append(("Mai:" + key, value)).ToArray());

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(expected, ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
        // Neither the facade nor the IChatClient can be had, so nothing can be sent.
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IChatClient>());
    }

    [Fact]
    public void Validate_EnumValue_ListsTheTransportsThatExist()
    {
        using var provider = Provider(Valid().Append(("Mai:Transport", "Grpc")).ToArray());

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal($"Mai:Transport is not a valid MaiTransport: expected one of {string.Join(", ", Enum.GetNames<MaiTransport>())}.", ex.Message);
    }

    [Fact]
    public async Task StartAsync_BudgetFromEnvironmentVariableThatDoesNotParse_FailsNamingTheKey()
    {
        var prefix = $"MAITEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable(prefix + "Mai__Endpoint", "https://thinking-east.services.ai.azure.com/models");
        Environment.SetEnvironmentVariable(prefix + "Mai__ApiKey", SecretKey);
        Environment.SetEnvironmentVariable(prefix + "Mai__Budgets__0__MaxTokens", "5e0");
        try
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            builder.Configuration.AddEnvironmentVariables(prefix);
            builder.Services.AddMaiClient(builder.Configuration.GetSection("Mai"));
            using var host = builder.Build();

            var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

            Assert.Equal($"Mai:Budgets:0:MaxTokens {Int64}", ex.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "Mai__Endpoint", null);
            Environment.SetEnvironmentVariable(prefix + "Mai__ApiKey", null);
            Environment.SetEnvironmentVariable(prefix + "Mai__Budgets__0__MaxTokens", null);
        }
    }

    [Fact]
    public void Validate_AppSettingsFallbackWithOneBadField_FailsInsteadOfDroppingTheFallback()
    {
        var services = new ServiceCollection();
        services.AddMaiClient(Json("""
            { "Mai": { "Endpoint": "https://east.services.ai.azure.com/models", "ApiKey": "k",
                       "Fallbacks": [ { "Endpoint": "https://west.services.ai.azure.com/models", "ApiKey": "k2", "TokensPerMinute": "100k" } ],
                       "Budgets": [ { "Name": "daily", "MaxCost": "12,50" } ] } }
            """).GetSection("Mai"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal($"Mai:Fallbacks:0:TokensPerMinute {Int32}", ex.Message);
    }

    [Fact]
    public void AddMaiClient_ValidBudgetAndStatuses_AreAllBound()
    {
        var options = Options(Provider(Valid().Concat(
        [
            ("Mai:Budgets:0:MaxTokens", "1000000"),
            ("Mai:Budgets:0:Window", "month"),
            ("Mai:Budgets:1:MaxCost", "12.50"),
            ("Mai:Resilience:RetryableStatusCodes:0", "429"),
            ("Mai:Resilience:RetryableStatusCodes:1", "503"),
        ]).ToArray()));

        Assert.Equal(2, options.Budgets.Count);
        Assert.Equal(1_000_000L, options.Budgets[0].MaxTokens);
        Assert.Equal(BudgetWindow.Month, options.Budgets[0].Window);
        Assert.Equal(12.50m, options.Budgets[1].MaxCost);
        Assert.Equal([429, 503], options.Resilience.RetryableStatusCodes.Order());
    }

    [Fact]
    public void Validate_FallbackThatOnlyNamesItsIdentity_IsReportedNotDropped()
    {
        using var provider = Provider(Valid().Append(("Mai:Fallbacks:0:ManagedIdentityClientId", "11111111-2222-3333-4444-555555555555")).ToArray());

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal("Mai:Fallbacks:0:Endpoint is required.", ex.Message);
    }

    [Fact]
    public void AddMaiClient_FallbackIdentities_FollowTheirFallbackWhateverTheKeys()
    {
        var options = Options(Provider(Valid().Concat(
        [
            ("Mai:Fallbacks:0:Endpoint", "https://west.services.ai.azure.com/models"),
            ("Mai:Fallbacks:0:ApiKey", "k0"),
            ("Mai:Fallbacks:1:Endpoint", "https://north.services.ai.azure.com/models"),
            ("Mai:Fallbacks:1:ManagedIdentityClientId", "66666666-7777-8888-9999-000000000000"),
        ]).ToArray()));

        Assert.Equal(2, options.Fallbacks.Count);
        Assert.Null(options.Fallbacks[0].Credential);
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(options.Fallbacks[1].Credential);
    }

    private static (string Key, string? Value)[] Valid() =>
    [
        ("Mai:Endpoint", "https://thinking-east.services.ai.azure.com/models"),
        ("Mai:ApiKey", SecretKey),
        ("Mai:Budgets:0:MaxTokens", "1000"),
    ];

    private static ServiceProvider Provider((string Key, string? Value)[] pairs)
    {
        var services = new ServiceCollection();
        services.AddMaiClient(Pairs(pairs).GetSection("Mai"));
        return services.BuildServiceProvider();
    }

    private static MaiClientOptions Options(ServiceProvider provider) =>
        provider.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(Microsoft.Extensions.Options.Options.DefaultName);
}
