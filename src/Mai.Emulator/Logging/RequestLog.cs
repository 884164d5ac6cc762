namespace Mai.Emulator;

internal sealed class RequestLog
{
    private readonly List<EmulatorRequest> _entries = [];
    private readonly Lock _lock = new();

    public void Add(EmulatorRequest request)
    {
        lock (_lock)
        {
            _entries.Add(request);
        }
    }

    public IReadOnlyList<EmulatorRequest> Snapshot()
    {
        lock (_lock)
        {
            return _entries.ToArray();
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _entries.Clear();
        }
    }
}
