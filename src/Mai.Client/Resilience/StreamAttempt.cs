using Microsoft.Extensions.AI;

namespace Mai.Client.Resilience;

/// <summary>
/// One started stream: the inner enumerator, the token source that can stop it, and whether it produced a first update.
/// Waits for updates are bounded by a <see cref="TimeProvider"/> timeout even when the inner stream ignores cancellation.
/// </summary>
internal sealed class StreamAttempt : IAsyncDisposable
{
    private readonly IAsyncEnumerator<ChatResponseUpdate> _enumerator;
    private readonly CancellationTokenSource _cts;
    private Task<bool>? _pendingMove;
    private bool _failed;

    private StreamAttempt(IAsyncEnumerator<ChatResponseUpdate> enumerator, CancellationTokenSource cts)
    {
        _enumerator = enumerator;
        _cts = cts;
    }

    /// <summary>Gets whether the last move produced an update.</summary>
    public bool HasCurrent { get; private set; }

    public ChatResponseUpdate Current => _enumerator.Current;

    /// <summary>Starts the inner stream and waits for its first update, within <paramref name="firstUpdateTimeout"/>.</summary>
    public static async Task<StreamAttempt> StartAsync(
        IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options, TimeSpan firstUpdateTimeout, TimeProvider time, CancellationToken callToken)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(callToken);
        StreamAttempt? attempt = null;
        try
        {
            var enumerator = client.GetStreamingResponseAsync(messages, options, cts.Token).GetAsyncEnumerator(cts.Token);
            attempt = new StreamAttempt(enumerator, cts);
            await attempt.MoveNextAsync(firstUpdateTimeout, "FirstUpdateTimeout", "first_update_timeout", time, callToken).ConfigureAwait(false);
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
                cts.Dispose();
            }

            throw;
        }
    }

    /// <summary>Moves to the next update, failing with a timeout when none arrives within <paramref name="timeout"/>.</summary>
    public async ValueTask<bool> MoveNextAsync(TimeSpan timeout, string timeoutName, string timeoutReason, TimeProvider time, CancellationToken callToken)
    {
        try
        {
            return await MoveNextCoreAsync(timeout, timeoutName, timeoutReason, time, callToken).ConfigureAwait(false);
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    private async ValueTask<bool> MoveNextCoreAsync(TimeSpan timeout, string timeoutName, string timeoutReason, TimeProvider time, CancellationToken callToken)
    {
        var move = _enumerator.MoveNextAsync();
        if (move.IsCompletedSuccessfully)
        {
            return HasCurrent = move.Result;
        }

        var task = move.AsTask();
        _pendingMove = task;
        try
        {
            HasCurrent = timeout == Timeout.InfiniteTimeSpan
                ? await task.WaitAsync(callToken).ConfigureAwait(false)
                : await task.WaitAsync(timeout, time, callToken).ConfigureAwait(false);
            _pendingMove = null;
            return HasCurrent;
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            await _cts.CancelAsync().ConfigureAwait(false);
            throw ResilienceCall.CreateTimeout($"No update arrived within {timeoutName} ({timeout}).", timeout, timeoutReason);
        }
        finally
        {
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
            _cts.Dispose();
        }
    }
}
