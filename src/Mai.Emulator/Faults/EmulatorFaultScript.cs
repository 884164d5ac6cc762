namespace Mai.Emulator;

/// <summary>The faults waiting for the next chat-completions requests of one emulator, first in first out.</summary>
/// <remarks>Thread-safe. A request with an <c>x-mai-fault</c> header uses that fault and leaves the queue untouched.</remarks>
public sealed class EmulatorFaultScript
{
    private readonly Queue<EmulatorFault> _queue = new();
    private readonly Lock _lock = new();

    internal EmulatorFaultScript()
    {
    }

    /// <summary>Gets the number of faults still waiting.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Adds <paramref name="fault"/> for the next <paramref name="times"/> requests after those already queued.</summary>
    /// <param name="fault">The fault; <see cref="EmulatorFault.None"/> lets a request through normally.</param>
    /// <param name="times">How many consecutive requests get it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="fault"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="times"/> is less than 1.</exception>
    public void Enqueue(EmulatorFault fault, int times = 1)
    {
        ArgumentNullException.ThrowIfNull(fault);
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_lock)
        {
            for (var i = 0; i < times; i++)
            {
                _queue.Enqueue(fault);
            }
        }
    }

    /// <summary>Removes every waiting fault.</summary>
    public void Clear()
    {
        lock (_lock)
        {
            _queue.Clear();
        }
    }

    internal EmulatorFault? TryDequeue()
    {
        lock (_lock)
        {
            return _queue.TryDequeue(out var fault) ? fault : null;
        }
    }
}
