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

        Assert.Same(TimeProvider.System, options.Resilience.TimeProvider);
        Assert.DoesNotContain(418, options.Resilience.RetryableStatusCodes);
        Assert.DoesNotContain(408, copy.Resilience.RetryableStatusCodes);
    }
}
