using Mai.Client.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Errors;

public class RetryAfterReaderTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static TimeSpan? Wait(params (string Name, string Value)[] headers)
    {
        var map = headers.ToDictionary(h => h.Name, h => h.Value, StringComparer.OrdinalIgnoreCase);
        return RetryAfterReader.GetServerWait(name => map.TryGetValue(name, out var v) ? v : null, Now);
    }

    [Theory]
    [InlineData("retry-after-ms", "200", 200)]
    [InlineData("retry-after-ms", "0", 0)]
    [InlineData("retry-after-ms", " 750 ", 750)]
    [InlineData("Retry-After-Ms", "30", 30)]
    [InlineData("x-ms-retry-after-ms", "1500", 1500)]
    [InlineData("retry-after-ms", "1500.2", 1501)]
    [InlineData("x-ms-retry-after-ms", "0.5", 1)]
    [InlineData("Retry-After", "26", 26_000)]
    [InlineData("retry-after", "0", 0)]
    public void GetServerWait_EachNumericForm_ExactWait(string name, string value, int expectedMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Wait((name, value)));

    [Fact]
    public void GetServerWait_RetryAfterHttpDate_RelativeToNow() =>
        Assert.Equal(TimeSpan.FromSeconds(90), Wait(("Retry-After", "Wed, 01 Jan 2025 12:01:30 GMT")));

    [Fact]
    public void GetServerWait_RetryAfterHttpDateInThePast_Zero() =>
        Assert.Equal(TimeSpan.Zero, Wait(("Retry-After", "Wed, 01 Jan 2025 11:59:00 GMT")));

    [Fact]
    public void GetServerWait_AllThree_RetryAfterMsWins() =>
        Assert.Equal(TimeSpan.FromMilliseconds(200), Wait(("retry-after-ms", "200"), ("x-ms-retry-after-ms", "300"), ("Retry-After", "4")));

    [Fact]
    public void GetServerWait_XMsAndRetryAfter_XMsWins() =>
        Assert.Equal(TimeSpan.FromMilliseconds(300), Wait(("x-ms-retry-after-ms", "300"), ("Retry-After", "4")));

    [Theory]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("1e3")]
    [InlineData("1,000")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("200, 300")]
    [InlineData("NaN")]
    public void GetServerWait_MalformedMilliseconds_FallsThroughToRetryAfter(string bad) =>
        Assert.Equal(TimeSpan.FromSeconds(4), Wait(("retry-after-ms", bad), ("x-ms-retry-after-ms", bad), ("Retry-After", "4")));

    [Theory]
    [InlineData("1.5")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("2025-01-01T12:01:30Z")]
    [InlineData("Wednesday, 01-Jan-25 12:01:30 GMT")]
    [InlineData("4 5")]
    public void GetServerWait_MalformedRetryAfter_Null(string bad) =>
        Assert.Null(Wait(("Retry-After", bad)));

    [Fact]
    public void GetServerWait_NoHeaders_Null() => Assert.Null(Wait());

    [Theory]
    [InlineData("retry-after-ms", "99999999999999")]
    [InlineData("Retry-After", "999999999999999999999999")]
    [InlineData("Retry-After", "99999999")]
    public void GetServerWait_HugeValue_ClampedToMaxWait(string name, string value) =>
        Assert.Equal(RetryAfterReader.MaxWait, Wait((name, value)));

    [Fact]
    public void GetServerWait_HttpDateWithResponseDate_MeasuredAgainstTheServersDateNotTheClientClock()
    {
        var clientClock = new FakeTimeProvider(Now.AddHours(3)); // a client clock three hours off
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["Retry-After"] = "Wed, 01 Jan 2025 12:01:30 GMT",
            ["Date"] = "Wed, 01 Jan 2025 12:00:00 GMT",
        };

        Assert.Equal(TimeSpan.FromSeconds(90), RetryAfterReader.GetServerWait(name => headers.GetValueOrDefault(name), clientClock));
    }

    [Fact]
    public void GetServerWait_HttpDateWithoutResponseDate_MeasuredAgainstTheClientClock()
    {
        var clientClock = new FakeTimeProvider(Now);

        Assert.Equal(TimeSpan.FromSeconds(42), RetryAfterReader.GetServerWait(name => name == "Retry-After" ? "Wed, 01 Jan 2025 12:00:42 GMT" : null, clientClock));
    }

    [Theory]
    [InlineData("Retry-After", "1.5")]
    [InlineData("Retry-After", "2025-01-01T12:01:30Z")]
    public void GetServerWait_WithClock_SameRuleForMalformedValues(string name, string value) =>
        Assert.Null(RetryAfterReader.GetServerWait(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase) ? value : null, new FakeTimeProvider(Now)));
}
