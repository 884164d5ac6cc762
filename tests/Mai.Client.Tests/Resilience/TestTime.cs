using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Mai.Client.Tests.Resilience;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports each wait started on it, a timer created or re-armed with
/// <see cref="ITimer.Change"/> (see <see cref="ReportingTimer"/>; Mai.Console.Tests links this file, so the decorator lives in it), so a test advances exactly to the next wait.
/// </summary>
internal sealed class TestTime : FakeTimeProvider
{
    public static readonly DateTimeOffset Epoch = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public TestTime()
        : base(Epoch)
    {
    }

    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _timers.Writer.TryWrite(dueTime);
        }

        return new ReportingTimer(timer, due => _timers.Writer.TryWrite(due));
    }

    /// <summary>Waits (30 s of real time at most, so a bug fails instead of hanging) for the next timer to be created.</summary>
    public async Task<TimeSpan> NextTimerAsync()
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _timers.Reader.ReadAsync(guard.Token);
    }

    /// <summary>Runs <paramref name="task"/> to its end, advancing the clock by exactly each wait it starts; returns the waits.</summary>
    public async Task<List<TimeSpan>> DriveAsync(Task task)
    {
        var waits = new List<TimeSpan>();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!task.IsCompleted)
        {
            var next = _timers.Reader.ReadAsync(guard.Token).AsTask();
            var first = await Task.WhenAny(task, next);
            if (first == next)
            {
                var due = await next;
                waits.Add(due);
                Advance(due);
            }
        }

        return waits;
    }

    /// <summary>
    /// Wraps a fake clock's <see cref="ITimer"/> so that re-arming it (<see cref="ITimer.Change"/>, which
    /// <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/> uses on a source built with a <see cref="TimeProvider"/>) is
    /// reported like a created timer: a finite, positive due time goes to <c>report</c>, then the call is forwarded.
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
            ReportIfWait(dueTime, report);
            return inner.Change(dueTime, period);
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
