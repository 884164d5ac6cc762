using System.Runtime.CompilerServices;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Resilience;

public sealed partial class ResilientChatClient
{
    /// <inheritdoc />
    /// <remarks>
    /// The stream is retried and failed over only until its first update; that update is the commit point. A later
    /// failure, or a gap longer than <see cref="MaiResilienceOptions.IdleTimeout"/>, throws
    /// <see cref="StreamInterruptedException"/> carrying the text, reasoning, update count and usage received.
    /// </remarks>
    /// <exception cref="StreamInterruptedException">The stream failed, or went idle, after its first update reached the caller.</exception>
    /// <exception cref="RetryAfterTooLongException">Before the first update, the service asked for a wait the client may not honour and no deployment was left.</exception>
    /// <exception cref="Polly.Timeout.TimeoutRejectedException">The call ran past <see cref="MaiResilienceOptions.TotalTimeout"/> before its first update.</exception>
    /// <exception cref="Polly.CircuitBreaker.BrokenCircuitException">Every deployment left to try had its circuit open.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = Materialize(messages);
        using var call = new ResilienceCall(_rt, options, cancellationToken);
        var stream = await StartStreamAsync(call, list, options).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var progress = new StreamProgress();
            var ended = false;
            try
            {
                while (stream.HasCurrent)
                {
                    var update = stream.Current;
                    progress.Add(update);
                    yield return update;
                    if (!await NextUpdateAsync(stream, call, progress).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                ended = true;
                call.RecordStreamEnd("ok");
            }
            finally
            {
                if (!ended && !progress.Failed)
                {
                    call.RecordStreamEnd("abandoned");
                }
            }
        }
    }

    private async Task<StreamAttempt> StartStreamAsync(ResilienceCall call, IReadOnlyList<ChatMessage> list, ChatOptions? options)
    {
        try
        {
            return await call.ExecuteAsync(
                static (client, request, token) => StreamAttempt.StartAsync(client, request.list, request.options, request.rt.Options.FirstUpdateTimeout, request.rt.Time, token),
                (list, options, rt: _rt),
                isStream: true).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var failure = call.Fail(exception);
            if (ReferenceEquals(failure, exception))
            {
                throw;
            }

            throw failure;
        }
    }

    private async ValueTask<bool> NextUpdateAsync(StreamAttempt stream, ResilienceCall call, StreamProgress progress)
    {
        try
        {
            return await stream.MoveNextAsync(_rt.Options.IdleTimeout, "IdleTimeout", "idle_timeout", call.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            progress.Failed = true;
            var failure = call.InterruptStream(exception, progress);
            if (ReferenceEquals(failure, exception))
            {
                throw;
            }

            throw failure;
        }
    }
}
