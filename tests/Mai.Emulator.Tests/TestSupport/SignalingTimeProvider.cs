using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Emulator.Tests.TestSupport;

/// <summary>A FakeTimeProvider that reports every timer the emulator creates, so a test advances time exactly when the server waits.</summary>
internal sealed class SignalingTimeProvider : TimeProvider
{
    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public FakeTimeProvider Fake { get; } = new();

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow();

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = Fake.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until the server starts its next wait and returns how long that wait is.</summary>
    public async Task<TimeSpan> NextTimerAsync(CancellationToken cancellationToken) => await _timers.Reader.ReadAsync(cancellationToken);

    public void Advance(TimeSpan by) => Fake.Advance(by);
}
