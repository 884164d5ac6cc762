using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Integration;

/// <summary>
/// A fake clock that reports every wait started on it: each timer created, and each re-arm with <see cref="ITimer.Change"/>
/// (through <see cref="Resilience.TestTime.ReportingTimer"/>). As the client's clock (<see cref="MaiClientOptions.TimeProvider"/>) it
/// lets a test advance time exactly by a pending retry wait; as an emulator's (<see cref="Mai.Emulator.MaiEmulatorOptions.TimeProvider"/>)
/// it tells the test when a stall has begun. <see cref="DriveAsync"/> and <see cref="WaitForTimerAsync"/> each read every
/// timer (two cursors), so a test can drive retry waits while it advances a timeout itself.
/// </summary>
internal sealed class TestClock : FakeTimeProvider
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Timers at least this long are timeouts, not retry waits (retry waits are capped at 60 s by default).</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(90);

    private readonly Lock _gate = new();
    private readonly List<TimeSpan> _created = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _driveCursor;
    private int _waitCursor;

    public TestClock()
        : base(Epoch)
    {
    }

    /// <summary>Gets how far the test advanced the clock.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Resilience.TestTime.ReportingTimer.ReportIfWait(dueTime, Record);
        return new Resilience.TestTime.ReportingTimer(timer, Record);
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
            var (due, changed) = Next(ref _driveCursor);
            if (due is { } d)
            {
                if (advance(d))
                {
                    waits.Add(d);
                    Advance(d);
                }

                continue;
            }

            await Task.WhenAny(task, changed.WaitAsync(guard.Token));
            guard.Token.ThrowIfCancellationRequested();
        }

        return waits;
    }

    /// <summary>Waits (30 s of real time at most) until a timer of exactly <paramref name="due"/> is (or was) created, then advances by it.</summary>
    public async Task AdvanceWhenTimerAsync(TimeSpan due)
    {
        await WaitForTimerAsync(due);
        Advance(due);
    }

    /// <summary>Waits (30 s of real time at most) until a timer of exactly <paramref name="due"/> is (or was) created, e.g. an emulator's stall began.</summary>
    public async Task WaitForTimerAsync(TimeSpan due)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (next, changed) = Next(ref _waitCursor);
            if (next == due)
            {
                return;
            }

            if (next is null)
            {
                await changed.WaitAsync(guard.Token);
            }
        }
    }

    private void Record(TimeSpan dueTime)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _created.Add(dueTime);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    private (TimeSpan? Due, Task Changed) Next(ref int cursor)
    {
        lock (_gate)
        {
            return cursor < _created.Count ? (_created[cursor++], Task.CompletedTask) : (null, _changed.Task);
        }
    }
}
