using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Integration;

/// <summary>
/// The client's fake clock. It reports every timer the pipeline creates, so a test advances time exactly by a pending retry
/// wait (and by nothing else): the long timers (deadline, attempt, first-update and idle timeouts) are left alone unless a
/// test advances them on purpose.
/// </summary>
internal sealed class ClientClock : FakeTimeProvider
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Timers at least this long are timeouts, not retry waits (retry waits are capped at 60 s by default).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(90);

    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public ClientClock()
        : base(Epoch)
    {
    }

    /// <summary>Gets how far the test advanced the clock.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>
    /// Runs <paramref name="task"/> to its end, advancing the clock by exactly each retry wait it starts (timers shorter than
    /// <see cref="LongestWait"/>, or those <paramref name="advance"/> picks); returns the waits in order. Bounded by 30 s of real time.
    /// </summary>
    public async Task<List<TimeSpan>> DriveAsync(Task task, Func<TimeSpan, bool>? advance = null)
    {
        advance ??= static due => due < LongestWait;
        var waits = new List<TimeSpan>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!task.IsCompleted)
        {
            var ready = _timers.Reader.WaitToReadAsync(guard.Token).AsTask();
            if (await Task.WhenAny(task, ready) != ready)
            {
                break;
            }

            await ready;
            while (_timers.Reader.TryRead(out var due))
            {
                if (due > TimeSpan.Zero && advance(due))
                {
                    waits.Add(due);
                    Advance(due);
                }
            }
        }

        guard.Token.ThrowIfCancellationRequested();
        return waits;
    }

    /// <summary>Waits (30 s of real time at most) until a timer of exactly <paramref name="due"/> is created, then advances by it.</summary>
    public async Task AdvanceWhenTimerAsync(TimeSpan due)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (await _timers.Reader.ReadAsync(guard.Token) != due)
        {
        }

        Advance(due);
    }
}
