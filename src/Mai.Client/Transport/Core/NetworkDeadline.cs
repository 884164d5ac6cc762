namespace Mai.Client.Transport;

/// <summary>
/// The network timeout of one streamed exchange, on the client's <see cref="TimeProvider"/>: armed around the send (until the
/// headers) and around each read of the body, so it fires only when the service sent nothing for the whole timeout. One timer and
/// one token source per stream, reused for every read.
/// </summary>
/// <remarks>
/// The SDK pipelines' own per-read timeout is switched off for streams (it runs on the real clock, and a timed-out read could
/// end the body as if the service had closed it, which reads as a truncated stream). Whether this deadline fired is known here,
/// so a read it cancelled is always reported as a timeout. Once fired, its token stays cancelled: the exchange is over.
/// </remarks>
internal sealed class NetworkDeadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _source;
    private readonly ITimer? _timer;
    private volatile bool _expired;

    /// <summary>Creates a deadline of <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: never) whose token also
    /// follows <paramref name="cancellationToken"/>.</summary>
    public NetworkDeadline(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _timeout = timeout;
        _source = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : new CancellationTokenSource();
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            _timer = timeProvider.CreateTimer(static state => ((NetworkDeadline)state!).Expire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Gets the token to pass to the send and to every read: cancelled by the caller or when the deadline fires.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Gets a value indicating whether the deadline fired (the service sent nothing for the whole timeout).</summary>
    public bool Expired => _expired;

    /// <summary>Starts the timeout (before a send or a read).</summary>
    public void Start() => _timer?.Change(_timeout, Timeout.InfiniteTimeSpan);

    /// <summary>Stops the timeout (something arrived).</summary>
    public void Stop() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }

    private void Expire()
    {
        _expired = true;
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The exchange ended as the timer fired.
        }
    }
}
