using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Resilience;

public class MaiResilienceOptionsTests
{
    [Fact]
    public void Constructor_Defaults_AreTheDocumentedOnes()
    {
        var o = new MaiResilienceOptions();
        Assert.Equal(3, o.MaxRetries);
        Assert.Equal(2, o.MaxAttemptsPerDeployment);
        Assert.Equal(TimeSpan.FromMilliseconds(800), o.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), o.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(60), o.MaxRetryAfter);
        Assert.Equal(TimeSpan.FromMinutes(10), o.TotalTimeout);
        Assert.Equal(TimeSpan.FromMinutes(5), o.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), o.FirstUpdateTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), o.IdleTimeout);
        Assert.Equal(new[] { 408, 429, 500, 502, 503, 504, 529 }, o.RetryableStatusCodes.Order());
        Assert.Equal(0.5, o.CircuitBreakerFailureRatio);
        Assert.Equal(10, o.CircuitBreakerMinimumThroughput);
        Assert.Equal(TimeSpan.FromSeconds(60), o.CircuitBreakerSamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(30), o.CircuitBreakerBreakDuration);
        Assert.Null(o.Pipeline);
    }

    public static TheoryData<string, Action<MaiResilienceOptions>, string> InvalidOptions => new()
    {
        { "MaxRetries", o => o.MaxRetries = -1, "-1" },
        { "MaxRetries", o => o.MaxRetries = 101, "101" },
        { "MaxAttemptsPerDeployment", o => o.MaxAttemptsPerDeployment = 0, "0" },
        { "BaseDelay", o => o.BaseDelay = TimeSpan.FromSeconds(-1), "-00:00:01" },
        { "MaxDelay", o => o.MaxDelay = TimeSpan.Zero, "00:00:00" },
        { "MaxDelay", o => { o.BaseDelay = TimeSpan.FromSeconds(10); o.MaxDelay = TimeSpan.FromSeconds(5); }, "00:00:05" },
        { "MaxRetryAfter", o => o.MaxRetryAfter = TimeSpan.FromDays(2), "2.00:00:00" },
        { "TotalTimeout", o => o.TotalTimeout = TimeSpan.Zero, "00:00:00" },
        { "AttemptTimeout", o => o.AttemptTimeout = TimeSpan.FromSeconds(-5), "-00:00:05" },
        { "FirstUpdateTimeout", o => o.FirstUpdateTimeout = TimeSpan.Zero, "00:00:00" },
        { "IdleTimeout", o => o.IdleTimeout = TimeSpan.FromMilliseconds(-2), "-00:00:00.0020000" },
        { "RetryableStatusCodes", o => o.RetryableStatusCodes.Add(400), "400" },
        { "RetryableStatusCodes", o => o.RetryableStatusCodes.Add(422), "422" },
        { "RetryableStatusCodes", o => o.RetryableStatusCodes.Add(700), "700" },
        { "CircuitBreakerFailureRatio", o => o.CircuitBreakerFailureRatio = 0, "0" },
        { "CircuitBreakerFailureRatio", o => o.CircuitBreakerFailureRatio = 1.5, "1.5" },
        { "CircuitBreakerMinimumThroughput", o => o.CircuitBreakerMinimumThroughput = 1, "1" },
        { "CircuitBreakerSamplingDuration", o => o.CircuitBreakerSamplingDuration = TimeSpan.FromMilliseconds(100), "00:00:00.1000000" },
        { "CircuitBreakerBreakDuration", o => o.CircuitBreakerBreakDuration = TimeSpan.Zero, "00:00:00" },
    };

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Constructor_InvalidOption_MessageNamesPropertyAndValue(string property, Action<MaiResilienceOptions> breakIt, string shownValue)
    {
        var options = new MaiResilienceOptions();
        breakIt(options);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ResilientChatClient(new TestChatClient(), options));
        Assert.Contains($"MaiResilienceOptions.{property} ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"it was {shownValue}.", e.Message, StringComparison.Ordinal);
        Assert.Equal(property, e.ParamName);
    }


    [Fact]
    public void Constructor_InfiniteTimeouts_Accepted()
    {
        var options = new MaiResilienceOptions
        {
            TotalTimeout = Timeout.InfiniteTimeSpan,
            AttemptTimeout = Timeout.InfiniteTimeSpan,
            FirstUpdateTimeout = Timeout.InfiniteTimeSpan,
            IdleTimeout = Timeout.InfiniteTimeSpan,
            MaxRetries = 0,
        };
        using var client = new ResilientChatClient(new TestChatClient(), options);
        Assert.NotNull(client);
    }

    [Fact]
    public async Task Constructor_OptionsChangedAfterwards_ClientKeepsItsCopy()
    {
        var time = new TestClock();
        var options = new MaiResilienceOptions { MaxRetries = 1, TotalTimeout = Timeout.InfiniteTimeSpan };
        var inner = TestChatClient.Answering(_ => throw Failures.Status(503));
        using var client = new ResilientChatClient(inner, options, timeProvider: time);
        options.MaxRetries = 50;
        options.RetryableStatusCodes.Clear();

        var call = client.GetResponseAsync("hi", cancellationToken: TestContext.Current.CancellationToken);
        await time.DriveAsync(call);

        await Assert.ThrowsAsync<Azure.RequestFailedException>(() => call);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public void Constructor_DuplicateDeploymentNames_MessageNamesIndexAndName()
    {
        var e = Assert.Throws<ArgumentException>(() => new ResilientChatClient(
            [new ResilientDeployment("east", new TestChatClient()), new ResilientDeployment("east", new TestChatClient())], null));
        Assert.Contains("deployments[1].Name 'east' is used twice", e.Message, StringComparison.Ordinal);
    }
}
