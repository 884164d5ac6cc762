namespace Mai.Console.Infrastructure;

/// <summary>
/// Routes Ctrl+C: to the innermost handler that claimed it (<c>mai chat</c> cancels the answer in progress, or at an idle prompt
/// offers to quit), else to the process (which cancels everything: exit code 130).
/// </summary>
internal sealed class Interrupts
{
    private readonly Lock _gate = new();
    private readonly List<Action> _handlers = [];

    /// <summary>Raised as a chat moves between stages (<c>idle</c>, <c>answer</c>, <c>update</c>); tests press Ctrl+C at a chosen stage.</summary>
    public event Action<string>? Stage;

    /// <summary>Claims Ctrl+C for <paramref name="handler"/> until the returned handle is disposed.</summary>
    public IDisposable Claim(Action handler)
    {
        lock (_gate)
        {
            _handlers.Add(handler);
        }

        return new Release(this, handler);
    }

    /// <summary>Delivers one Ctrl+C; returns false when nothing claimed it (then the caller cancels the whole command).</summary>
    public bool Interrupt()
    {
        Action? handler;
        lock (_gate)
        {
            handler = _handlers.Count > 0 ? _handlers[^1] : null;
        }

        handler?.Invoke();
        return handler is not null;
    }

    /// <summary>Reports a stage to <see cref="Stage"/>.</summary>
    public void Report(string stage) => Stage?.Invoke(stage);

    private sealed class Release(Interrupts owner, Action handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._gate)
            {
                owner._handlers.Remove(handler);
            }
        }
    }
}
