using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.TestSupport;

/// <summary>
/// The one fake clock of the tests (Mai.Console.Tests links this file): it reports every wait started on it, each timer created and
/// each re-arm with <see cref="ITimer.Change"/> (through <see cref="ReportingTimer"/>). As the client's clock (<see cref="MaiClientOptions.TimeProvider"/>) it
/// lets a test advance time exactly by a pending retry wait; as an emulator's (<see cref="Mai.Emulator.MaiEmulatorOptions.TimeProvider"/>)
/// it tells the test when a stall has begun. <see cref="DriveAsync"/>, <see cref="WaitForTimerAsync"/> and <see cref="NextTimerAsync"/>
/// each read every timer (a cursor each), so a test can drive retry waits while it advances a timeout itself.
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
    private int _nextCursor;

    public TestClock()
        : base(Epoch)
    {
    }

    /// <summary>Gets how far the test advanced the clock.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        ReportingTimer.ReportIfWait(dueTime, Record);
        return new ReportingTimer(timer, Record);
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

    /// <summary>Waits (30 s of real time at most, so a bug fails instead of hanging) for the next wait started on the clock.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var (next, changed) = Next(ref _nextCursor);
            if (next is { } due)
            {
                return due;
            }

            await changed.WaitAsync(guard.Token);
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

    /// <summary>
    /// Wraps a fake clock's <see cref="ITimer"/> so that re-arming it (<see cref="ITimer.Change"/>, which
    /// <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> uses on a source built with a <see cref="TimeProvider"/>) is
    /// reported like a created timer: the call is forwarded, then a finite, positive due time goes to <c>report</c> (so a test
    /// that advances the clock on the report always finds the timer armed).
    /// </summary>
    internal sealed class ReportingTimer(ITimer inner, Action<TimeSpan> report) : ITimer
    {
        /// <summary>Reports <paramref name="dueTime"/> when a clock should see it as a new wait (finite and positive).</summary>
        public static void ReportIfWait(TimeSpan dueTime, Action<TimeSpan> report)
        {
            if (dueTime != Timeout.InfiniteTimeSpan && dueTime > TimeSpan.Zero)
            {
                report(dueTime);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            ReportIfWait(dueTime, report);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
