using Mai.Client.Accounting;

namespace Mai.Client.Tests.Facade;

public class MaiClientOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new MaiClientOptions();

        Assert.Equal(TimeSpan.FromMinutes(10), options.NetworkTimeout);
        Assert.Equal(MaiTransport.AzureInference, options.Transport);
        Assert.True(options.SplitReasoning);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Null(options.ApiVersion);
        Assert.Empty(options.Fallbacks);
    }

    [Fact]
    public void Constructor_NoEndpoint_MessageNamesEndpoint()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MaiClient(new MaiClientOptions()));

        Assert.Contains("MaiClientOptions.Endpoint is required", ex.Message);
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public void Constructor_PlainHttpToRemoteHost_Refused()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MaiClient(new MaiClientOptions { Endpoint = new Uri("http://example.com/models"), ApiKey = "k" }));

        Assert.Contains("plain http to 'example.com'", ex.Message);
    }

    [Fact]
    public void Constructor_NegativeNetworkTimeout_MessageNamesPropertyAndValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MaiClient(new MaiClientOptions { Endpoint = new Uri("https://x.services.ai.azure.com/models"), NetworkTimeout = TimeSpan.FromSeconds(-1) }));

        Assert.Contains("MaiClientOptions.NetworkTimeout must be positive", ex.Message);
        Assert.Contains("-00:00:01", ex.Message);
    }

    [Fact]
    public void Constructor_FallbackWithoutEndpoint_MessageNamesTheFallback()
    {
        var options = new MaiClientOptions { Endpoint = new Uri("https://x.services.ai.azure.com/models") };
        options.Fallbacks.Add(new MaiDeployment { Model = "gpt-4o" });

        var ex = Assert.Throws<ArgumentException>(() => new MaiClient(options));

        Assert.Contains("MaiClientOptions.Fallbacks[0].Endpoint is required", ex.Message);
    }

    [Fact]
    public void ValidateAndCopy_LaterEditsOfTheOriginal_DoNotReachTheCopy()
    {
        var options = new MaiClientOptions { Endpoint = new Uri("https://a.services.ai.azure.com/models"), Model = "m1" };
        options.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://b.services.ai.azure.com/models"), Model = "m2" });

        var copy = options.ValidateAndCopy(requireEndpoint: true);
        options.Model = "changed";
        options.Fallbacks[0].Model = "changed";
        options.Fallbacks.Clear();

        Assert.Equal("m1", copy.Model);
        Assert.Equal("m2", Assert.Single(copy.Fallbacks).Model);
    }

    [Fact]
    public void MaiDeployment_ToString_NeverShowsTheKey()
    {
        var deployment = new MaiDeployment { Endpoint = new Uri("https://a.services.ai.azure.com/models"), Model = "gpt-4o", ApiKey = "SECRET-KEY" };

        Assert.Equal("a.services.ai.azure.com/gpt-4o", deployment.ToString());
        Assert.DoesNotContain("SECRET", deployment.ToString());
    }

    [Fact]
    public void Constructor_ResilienceOptions_CallerInstanceNeverModified()
    {
        var options = new MaiClientOptions
        {
            Endpoint = new Uri("https://a.services.ai.azure.com/models"),
            ApiKey = "k",
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
        };
        options.Resilience.RetryableStatusCodes.Remove(408);

        using var client = new MaiClient(options);
        var copy = options.ValidateAndCopy(requireEndpoint: true);
        copy.Resilience.RetryableStatusCodes.Add(418);

        Assert.DoesNotContain(418, options.Resilience.RetryableStatusCodes);
        Assert.DoesNotContain(408, copy.Resilience.RetryableStatusCodes);
    }

    private const string Key = "sk-facade-NEVER-SHOW-2b71e0";

    /// <summary>Issue 12, items 9 and 12: invalid configurations, each with the named error it must give before anything is sent.</summary>
    public static TheoryData<string, Action<MaiClientOptions>, string> InvalidConfigurations => new()
    {
        { "no endpoint", o => o.Endpoint = null, "MaiClientOptions.Endpoint is required." },
        { "relative endpoint holding a key", o => o.Endpoint = new Uri(Key, UriKind.Relative), "MaiClientOptions.Endpoint must be an absolute http(s) URI." },
        { "ftp endpoint", o => o.Endpoint = new Uri("ftp://a.example.com/" + Key), "MaiClientOptions.Endpoint must be an absolute http(s) URI; it was an ftp URI." },
        { "empty key", o => o.ApiKey = "", "MaiClientOptions.ApiKey is set but empty; remove it to authenticate with Entra ID." },
        { "blank key", o => o.ApiKey = "   ", "MaiClientOptions.ApiKey is set but empty; remove it to authenticate with Entra ID." },
        { "blank fallback key", o => o.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://b.services.ai.azure.com/models"), ApiKey = "\t" }), "MaiClientOptions.Fallbacks[0].ApiKey is set but empty; remove it to authenticate with Entra ID." },
        { "blank model", o => o.Model = " ", "MaiClientOptions.Model must not be blank when set." },
        { "blank deployment name", o => o.DeploymentName = "", "MaiClientOptions.DeploymentName must not be blank when set." },
        { "null budget", o => o.Budgets.Add(null!), "MaiClientOptions.Budgets[0] is null." },
        { "budget without a limit", o => o.Budgets.Add(new BudgetLimit { Name = "daily" }), "MaiClientOptions.Budgets[0] sets neither MaxTokens nor MaxCost." },
        { "budget names twice", o => { o.Budgets.Add(new BudgetLimit { Name = "d", MaxTokens = 1 }); o.Budgets.Add(new BudgetLimit { Name = "d", MaxTokens = 2 }); }, "MaiClientOptions.Budgets[1].Name 'd' is used twice." },
        { "null fallback", o => o.Fallbacks.Add(null!), "MaiClientOptions.Fallbacks[0] is null." },
        { "fallback is the primary", o => o.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://a.services.ai.azure.com/models/"), Model = "M1" }), "MaiClientOptions.Fallbacks[0] is the primary deployment again (same Endpoint and Model); a fallback must be another deployment." },
        { "same fallback twice", o => { o.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://b.services.ai.azure.com/models") }); o.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://b.services.ai.azure.com/models") }); }, "MaiClientOptions.Fallbacks[1] is the same deployment as MaiClientOptions.Fallbacks[0] (same Endpoint and Model)." },
        { "fallback named like the primary", o => { o.DeploymentName = "east"; o.Fallbacks.Add(new MaiDeployment { Name = "east", Endpoint = new Uri("https://b.services.ai.azure.com/models") }); }, "MaiClientOptions.Fallbacks[0].Name 'east' is already the name of MaiClientOptions.DeploymentName; deployment names must be unique." },
        { "two fallbacks with one name", o => { o.Fallbacks.Add(new MaiDeployment { Name = "w", Endpoint = new Uri("https://b.services.ai.azure.com/models") }); o.Fallbacks.Add(new MaiDeployment { Name = "w", Endpoint = new Uri("https://c.services.ai.azure.com/models") }); }, "MaiClientOptions.Fallbacks[1].Name 'w' is already the name of MaiClientOptions.Fallbacks[0].Name; deployment names must be unique." },
        { "fallback tokens per minute", o => o.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://b.services.ai.azure.com/models"), TokensPerMinute = 0 }), "MaiClientOptions.Fallbacks[0].TokensPerMinute must be positive when set; it was 0." },
        { "unknown transport", o => o.Transport = (MaiTransport)42, "MaiClientOptions.Transport has an unknown value; it was 42." },
        { "resilience", o => o.Resilience.MaxRetries = -1, "MaiResilienceOptions.MaxRetries must be between 0 and 100; it was -1." },
        { "api-version holding a key", o => o.ApiVersion = Key, "MaiClientOptions.ApiVersion is not a valid api-version value: use a date such as 2024-05-01, optionally with a suffix such as -preview, or 'preview' or 'latest' (use null to send none)." },
        { "api-version holding a query", o => o.ApiVersion = "2024-05-01&" + Key, "MaiClientOptions.ApiVersion is not a valid api-version value: use a date such as 2024-05-01, optionally with a suffix such as -preview, or 'preview' or 'latest' (use null to send none)." },
        { "api-version holding a hex key on the OpenAI transport", o => { o.Transport = MaiTransport.OpenAIV1; o.ApiVersion = "0123456789abcdef0123456789abcdef"; }, "MaiClientOptions.ApiVersion is not a valid api-version value: use a date such as 2024-05-01, optionally with a suffix such as -preview, or 'preview' or 'latest' (use null to send none)." },
    };

    [Theory]
    [MemberData(nameof(InvalidConfigurations))]
    public void Constructor_InvalidConfiguration_NamedErrorWithoutTheKey(string name, Action<MaiClientOptions> change, string expected)
    {
        _ = name;
        var options = new MaiClientOptions { Endpoint = new Uri("https://a.services.ai.azure.com/models"), Model = "m1", ApiKey = Key };
        change(options);

        var ex = Assert.ThrowsAny<ArgumentException>(() => new MaiClient(options));

        Assert.Equal(expected, ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal));
        Assert.DoesNotContain("NEVER-SHOW", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_SameHostOtherModel_IsAnotherDeployment()
    {
        var options = new MaiClientOptions { Endpoint = new Uri("https://a.services.ai.azure.com/models"), Model = "m1", ApiKey = "k" };
        options.Fallbacks.Add(new MaiDeployment { Endpoint = new Uri("https://a.services.ai.azure.com/models"), Model = "m2", ApiKey = "k" });

        using var client = new MaiClient(options);

        Assert.NotNull(client.ChatClient);
    }
}
