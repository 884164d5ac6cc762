using Microsoft.Extensions.AI;

namespace Mai.Client.Resilience;

/// <summary>
/// One started stream: the inner enumerator, the token source that can stop it, and whether it produced a first update.
/// Waits for updates are bounded by a <see cref="TimeProvider"/> timeout even when the inner stream ignores cancellation:
/// one timer per stream, created from that provider at the first wait that does not complete at once and re-armed
/// (<see cref="ITimer.Change"/>) for each later one, cancels the stream's token source when it fires.
/// </summary>
internal sealed class StreamAttempt : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatResponseUpdate> _enumerator;
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _startToken;
    private readonly TimeProvider _time;
    private ITimer? _timer;
    private CancellationTokenRegistration _startRegistration;
    private Task<bool>? _pendingMove;
    private bool _failed;

    private StreamAttempt(IAsyncEnumerator<ChatResponseUpdate> enumerator, CancellationTokenSource cts, TimeProvider time, CancellationToken startToken)
    {
        _enumerator = enumerator;
        _cts = cts;
        _startToken = startToken;
        _time = time;
    }

    /// <summary>Gets whether the last move produced an update.</summary>
    public bool HasCurrent { get; private set; }

    public ChatResponseUpdate Current => _enumerator.Current;

    /// <summary>Starts the inner stream and waits for its first update, within <paramref name="firstUpdateTimeout"/>.</summary>
    public static async Task<StreamAttempt> StartAsync(
        IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options, TimeSpan firstUpdateTimeout, TimeProvider time, CancellationToken callToken)
    {
        // Cancelled by the caller's token (one registration for the stream's life) or by the stream's timer, armed per wait.
        var cts = new CancellationTokenSource();
        var registration = callToken.UnsafeRegister(static s => Cancel((CancellationTokenSource)s!), cts);
        StreamAttempt? attempt = null;
        try
        {
            var enumerator = client.GetStreamingResponseAsync(messages, options, cts.Token).GetAsyncEnumerator(cts.Token);
            attempt = new StreamAttempt(enumerator, cts, time, callToken) { _startRegistration = registration };
            await attempt.MoveNextAsync(firstUpdateTimeout, "FirstUpdateTimeout", "first_update_timeout", callToken).ConfigureAwait(false);
            return attempt;
        }
        catch
        {
            if (attempt is not null)
            {
                await attempt.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                registration.Unregister();
                cts.Dispose();
            }

            throw;
        }
    }

    /// <summary>Moves to the next update, failing with a timeout when none arrives within <paramref name="timeout"/>.</summary>
    public async ValueTask<bool> MoveNextAsync(TimeSpan timeout, string timeoutName, string timeoutReason, CancellationToken callToken)
    {
        try
        {
            return await MoveNextCoreAsync(timeout, timeoutName, timeoutReason, callToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    private static void Cancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream already ended; nothing is left to stop.
        }
    }

    private ITimer CreateTimer()
    {
        // Like a CancellationTokenSource's own timer: the callback needs no ExecutionContext of the caller.
        using (ExecutionContext.SuppressFlow())
        {
            return _time.CreateTimer(static s => Cancel(((StreamAttempt)s!)._cts), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    private async ValueTask<bool> MoveNextCoreAsync(TimeSpan timeout, string timeoutName, string timeoutReason, CancellationToken callToken)
    {
        if (_cts.IsCancellationRequested)
        {
            // The timer fired just as the previous update arrived, and stopped the inner stream: that wait ran out.
            callToken.ThrowIfCancellationRequested();
            throw ResilienceCall.CreateTimeout($"No update arrived within MaiResilienceOptions.{timeoutName} ({timeout}).", timeout, timeoutReason);
        }

        var move = _enumerator.MoveNextAsync();
        if (move.IsCompletedSuccessfully)
        {
            return HasCurrent = move.Result;
        }

        var task = move.AsTask();
        _pendingMove = task;

        // After the first update the caller's token is the call's, not the attempt's the source was tied to: follow it too.
        var registration = callToken == _startToken
            ? default
            : callToken.UnsafeRegister(static s => Cancel((CancellationTokenSource)s!), _cts);
        var armed = timeout != Timeout.InfiniteTimeSpan;
        if (armed)
        {
            _timer ??= CreateTimer();
            _timer.Change(timeout, Timeout.InfiniteTimeSpan);
        }

        try
        {
            HasCurrent = await task.WaitAsync(_cts.Token).ConfigureAwait(false);
            _pendingMove = null;
            return HasCurrent;
        }
        catch (Exception) when (_cts.IsCancellationRequested && !callToken.IsCancellationRequested)
        {
            if (task.IsCompletedSuccessfully)
            {
                // The update won the race with the timer; the next move reports the stopped stream as timed out.
                _pendingMove = null;
                return HasCurrent = task.Result;
            }

            // Nobody cancelled the call: the stream's timer ran out (and already stopped the inner stream).
            throw ResilienceCall.CreateTimeout($"No update arrived within MaiResilienceOptions.{timeoutName} ({timeout}).", timeout, timeoutReason);
        }
        finally
        {
            if (armed)
            {
                _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            }

            registration.Unregister();
            if (task.IsCompleted)
            {
                _pendingMove = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_pendingMove is { IsCompleted: false } pending)
        {
            // An enumerator cannot be disposed while a move is in flight: stop it, and dispose once the move ends.
            await _cts.CancelAsync().ConfigureAwait(false);
            _ = pending.ContinueWith(
                static async (t, s) =>
                {
                    _ = t.Exception;
                    var self = (StreamAttempt)s!;
                    try
                    {
                        await self._enumerator.DisposeAsync().ConfigureAwait(false);
                    }
                    catch (Exception)
                    {
                        // The stream already failed; a failure to clean it up changes nothing for the caller.
                    }
                    finally
                    {
                        self._startRegistration.Unregister();
                        self._timer?.Dispose();
                        self._cts.Dispose();
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return;
        }

        try
        {
            await _enumerator.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception) when (_failed)
        {
            // The stream already failed and that failure is what the caller sees; a failed clean-up changes nothing.
        }
        finally
        {
            _startRegistration.Unregister();
            _timer?.Dispose();
            _cts.Dispose();
        }
    }
}
