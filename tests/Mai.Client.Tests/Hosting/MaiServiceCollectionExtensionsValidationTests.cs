using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Mai.Client.Tests.Hosting.HostingTestKit;

namespace Mai.Client.Tests.Hosting;

public class MaiServiceCollectionExtensionsValidationTests
{
    public static TheoryData<string, string?, string> InvalidSettings => new()
    {
        { "Endpoint", null, "Mai:Endpoint is required." },
        { "Endpoint", "http://models.example.com/models", "Mai:Endpoint uses plain http to 'models.example.com': keys and tokens are only sent over https, or http to loopback." },
        { "Fallbacks:0:Endpoint", "westus/models", "Mai:Fallbacks:0:Endpoint must be an absolute http(s) URI." },
        { "Fallbacks:0:ApiKey", " ", "Mai:Fallbacks:0:ApiKey is set but empty; remove it to authenticate with Entra ID." },
        { "ApiKey", "", "Mai:ApiKey is set but empty; remove it to authenticate with Entra ID." },
        { "ApiVersion", "2024-05-01&x=1", "Mai:ApiVersion is not a valid api-version value: use a date such as 2024-05-01, optionally with a suffix such as -preview, or 'preview' or 'latest' (use null to send none)." },
        { "NetworkTimeout", "-00:00:05", "Mai:NetworkTimeout must be positive or Timeout.InfiniteTimeSpan; it was -00:00:05." },
        { "ContextWindowTokens", "0", "Mai:ContextWindowTokens must be positive when set; it was 0." },
        { "Resilience:MaxRetries", "101", "Mai:Resilience:MaxRetries must be between 0 and 100; it was 101." },
        { "Resilience:RetryableStatusCodes:0", "400", "Mai:Resilience:RetryableStatusCodes must not contain 400, 401, 403, 404 or 422, which are permanent failures; it was 400." },
        { "Resilience:CircuitBreakerBreakDuration", "00:00:00.1", "Mai:Resilience:CircuitBreakerBreakDuration must be between 00:00:00.5 and 1.00:00:00; it was 00:00:00.1000000." },
        { "Budgets:0:Name", "daily", "Mai:Budgets:0 sets neither MaxTokens nor MaxCost." },
        { "Prices:Models:MAI-Thinking-1:InputPerMillion", "-1", "Mai:Prices:Models:MAI-Thinking-1:InputPerMillion must not be negative (was -1)." },
    };

    [Theory]
    [MemberData(nameof(InvalidSettings))]
    public void Resolve_InvalidSetting_ThrowsNamingTheConfigurationKeyWithoutTheApiKey(string key, string? value, string expected)
    {
        var pairs = new Dictionary<string, string?>
        {
            ["Mai:Endpoint"] = "https://thinking-east.services.ai.azure.com/models",
            ["Mai:Model"] = "MAI-Thinking-1",
            ["Mai:ApiKey"] = SecretKey,
            ["Mai:Fallbacks:0:Endpoint"] = "https://thinking-west.services.ai.azure.com/models",
            ["Mai:Fallbacks:0:ApiKey"] = SecretKey + "-west",
        };
        pairs["Mai:" + key] = value;
        using var provider = Provider(new ConfigurationBuilder().AddInMemoryCollection(pairs).Build().GetSection("Mai"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal(expected, ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_StartupValidator_ThrowsBeforeTheClientIsResolved()
    {
        using var provider = Provider(Pairs(("Mai:Model", "gpt-4o"), ("Mai:ApiKey", SecretKey)).GetSection("Mai"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal("Mai:Endpoint is required.", ex.Message);
        Assert.Equal(Options.DefaultName, ex.OptionsName);
    }

    [Fact]
    public async Task StartAsync_HostWithInvalidOptions_FailsNamingTheKey()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Mai:Endpoint"] = "https://thinking-east.services.ai.azure.com/models",
            ["Mai:ApiKey"] = SecretKey,
            ["Mai:Resilience:MaxAttemptsPerDeployment"] = "0",
        });
        builder.Services.AddMaiClient(builder.Configuration.GetSection("Mai"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Equal("Mai:Resilience:MaxAttemptsPerDeployment must be at least 1; it was 0.", ex.Message);
        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TwoInvalidClients_ReportsEachUnderItsOwnKey()
    {
        var configuration = Pairs(
            ("Clients:gpt4o:Model", "gpt-4o"),
            ("Clients:r1:Endpoint", "ftp://r1.example.com"));
        var services = new ServiceCollection();
        services.AddMaiClient("gpt4o", configuration.GetSection("Clients:gpt4o"));
        services.AddMaiClient("r1", configuration.GetSection("Clients:r1"));
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
            ["Clients:gpt4o:Endpoint is required.", "Clients:r1:Endpoint must be an absolute http(s) URI; it was an ftp URI."],
            ex.InnerExceptions.Select(e => e.Message).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resolve_ConfigurationRootWithoutSection_NamesBareKeys()
    {
        using var provider = Provider(Pairs(("Model", "gpt-4o")));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal("Endpoint is required.", ex.Message);
    }

    [Fact]
    public void Resolve_DelegateOnly_NamesTheProperty()
    {
        var services = new ServiceCollection();
        services.AddMaiClient(o =>
        {
            o.Endpoint = new Uri("https://thinking-east.services.ai.azure.com/models");
            o.ApiKey = SecretKey;
            o.Resilience.MaxDelay = TimeSpan.Zero;
        });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal("MaiResilienceOptions.MaxDelay must be greater than zero, at most 1.00:00:00 and at least BaseDelay (00:00:00.8000000); it was 00:00:00.", ex.Message);
    }

    [Theory]
    [InlineData("Mai:Resilience:MaxRetrys", "2")]
    [InlineData("Mai:Endpiont", "https://thinking-east.services.ai.azure.com/models")]
    [InlineData("Mai:Fallbacks:0:Modle", "gpt-4o")]
    [InlineData("Mai:Prices:Models:gpt-4o:InputPerMilion", "2.5")]
    [InlineData("Mai:Budgets:0:MaxToken", "1000")]
    public void Resolve_MisspeltKey_IsRejectedByItsFullPath(string key, string value)
    {
        using var provider = Provider(Pairs(
            ("Mai:Endpoint", "https://thinking-east.services.ai.azure.com/models"),
            ("Mai:ApiKey", SecretKey),
            ("Mai:Fallbacks:0:Endpoint", "https://thinking-west.services.ai.azure.com/models"),
            ("Mai:Budgets:0:MaxTokens", "1000"),
            (key, value)).GetSection("Mai"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.Equal($"{key} is not a Mai.Client setting; check its spelling.", ex.Message);
    }

    [Fact]
    public void Resolve_UnconvertibleValue_NamesTheKey()
    {
        using var provider = Provider(Pairs(
            ("Mai:Endpoint", "https://thinking-east.services.ai.azure.com/models"),
            ("Mai:ApiKey", SecretKey),
            ("Mai:Resilience:TotalTimeout", "ten minutes")).GetSection("Mai"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        // The value is not repeated: it may be a key typed into the wrong setting (issue 12, item 9).
        Assert.Equal("Mai:Resilience:TotalTimeout is not a valid TimeSpan: expected a time span such as 00:05:00.", ex.Message);
    }

    [Theory]
    [InlineData("Mai:Endpoint")]
    [InlineData("Mai:Fallbacks:0:Endpoint")]
    [InlineData("Mai:ContextWindowTokens")]
    [InlineData("Mai:Resilience:MaxRetries")]
    [InlineData("Mai:Budgets:0:MaxCost")]
    [InlineData("Mai:Budgets:0:Window")]
    [InlineData("Mai:Fallbacks:0:TokensPerMinute")]
    public void Resolve_KeyPastedIntoAnotherSetting_IsNeverEchoed(string key)
    {
        using var provider = Provider(Pairs(
            ("Mai:Endpoint", "https://thinking-east.services.ai.azure.com/models"),
            ("Mai:ApiKey", SecretKey),
            ("Mai:Fallbacks:0:Endpoint", "https://thinking-west.services.ai.azure.com/models"),
            (key, SecretKey)).GetSection("Mai"));

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<MaiClient>());

        Assert.StartsWith(key + " ", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("NEVER-SHOW", ex.ToString(), StringComparison.Ordinal); // not even a part of it
    }

    [Fact]
    public void AddMaiClient_SameNameTwice_Throws()
    {
        var services = new ServiceCollection();
        services.AddMaiClient(o => { });
        services.AddMaiClient("gpt4o", o => { });

        var unnamed = Assert.Throws<InvalidOperationException>(() => services.AddMaiClient(Pairs(("Mai:Model", "x")).GetSection("Mai")));
        var named = Assert.Throws<InvalidOperationException>(() => services.AddMaiClient("gpt4o", o => { }));

        Assert.StartsWith("A MaiClient without a name is already registered.", unnamed.Message, StringComparison.Ordinal);
        Assert.StartsWith("A MaiClient named 'gpt4o' is already registered.", named.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ConfigurationRootWithOtherSettings_IsNotCheckedForUnknownKeys()
    {
        using var provider = Provider(Pairs(
            ("Endpoint", "https://thinking-east.services.ai.azure.com/models"),
            ("ApiKey", SecretKey),
            ("Logging:LogLevel:Default", "Information")));

        Assert.NotNull(provider.GetRequiredService<MaiClient>());
    }

    [Fact]
    public void AddMaiClient_BlankName_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddMaiClient(" ", o => { }));

        Assert.Equal("name", ex.ParamName);
    }

    private static ServiceProvider Provider(IConfiguration section)
    {
        var services = new ServiceCollection();
        services.AddMaiClient(section);
        return services.BuildServiceProvider();
    }
}
