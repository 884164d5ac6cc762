namespace Mai.Client.Tests.TestSupport;

/// <summary>A signal that completes once it was signalled <c>count</c> times: tests await it instead of polling with a delay.</summary>
internal sealed class AsyncCountdown(int count)
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = count;

    /// <summary>Completes when <see cref="Signal"/> was called the given number of times.</summary>
    public Task Reached => _reached.Task;

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _reached.SetResult();
        }
    }
}
