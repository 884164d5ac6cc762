namespace Mai.Client.Tests.TestSupport;

public sealed class TestClockTests
{
    [Fact]
    public async Task CancelAfter_SourceBuiltWithTestClock_ReportsEachArmAndCancelsOnTheFakeClock()
    {
        var time = new TestClock();
        using var cts = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);

        cts.CancelAfter(TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), await time.NextTimerAsync());
        cts.CancelAfter(Timeout.InfiniteTimeSpan);
        cts.CancelAfter(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), await time.NextTimerAsync());

        time.Advance(TimeSpan.FromSeconds(2));
        Assert.False(cts.IsCancellationRequested);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(cts.IsCancellationRequested);
    }
}
