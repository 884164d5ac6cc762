using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <content>Streaming: the enumeration is wrapped so the attempt is recorded exactly once, when the stream completes, fails or is abandoned.</content>
public sealed partial class MeteringChatClient
{
    /// <inheritdoc/>
    /// <remarks>When the stream completes, one extra update is yielded carrying the attempt's <see cref="MaiUsage"/> under
    /// <see cref="MaiUsage.PropertyKey"/>; when the service reported no usage it also carries the estimate as a <see cref="UsageContent"/>.</remarks>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var attempt = Begin(messages, options, streaming: true, cancellationToken);
        if (_quota is not null)
        {
            await AdmitAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        Start(attempt, streaming: true);
        IAsyncEnumerator<ChatResponseUpdate> enumerator;
        try
        {
            enumerator = base.GetStreamingResponseAsync(attempt.Messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }
        catch (Exception ex)
        {
            await FinishAsync(attempt, ex, abandoned: false).ConfigureAwait(false);
            throw;
        }

        MaiUsage? usage = null;
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = enumerator.Current;
                }
                catch (Exception ex)
                {
                    await FinishAsync(attempt, ex, abandoned: false).ConfigureAwait(false);
                    throw;
                }

                if (attempt.UpdateCount == 0)
                {
                    attempt.TimeToFirstChunk = _timeProvider.GetElapsedTime(attempt.StartTimestamp);
                }

                attempt.Observe(update);
                ObserveQuota(attempt, update.AdditionalProperties);
                yield return update;
            }

            usage = await FinishAsync(attempt, null, abandoned: false).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                if (!attempt.Recorded)
                {
                    // The caller stopped enumerating (or disposed) before the stream ended.
                    await FinishAsync(attempt, null, abandoned: true).ConfigureAwait(false);
                }
            }
            finally
            {
                await enumerator.DisposeAsync().ConfigureAwait(false);
            }
        }

        if (usage is not null)
        {
            yield return CreateUsageUpdate(attempt, usage);
        }
    }

    private static ChatResponseUpdate CreateUsageUpdate(MeteredAttempt attempt, MaiUsage usage)
    {
        var update = new ChatResponseUpdate
        {
            // No MessageId/ModelId: ToChatResponse() then puts these properties on the response, not on a message.
            ResponseId = attempt.ResponseId,
            AdditionalProperties = new() { [MaiUsage.PropertyKey] = usage },
        };
        if (usage.IsEstimated)
        {
            // M.E.AI's ToChatResponse() adds up every UsageContent of a stream: when the service reported part of the usage, this one
            // carries only what the estimate adds to it, so the stream folds to the estimate and not to the reported counts twice
            // (issue 12, item 6). GetMaiUsage() on it still gives the whole estimate.
            update.Contents.Add(new UsageContent(Complement(usage.ToUsageDetails(), attempt.ReportedUsage))
            {
                AdditionalProperties = new() { [MaiUsage.PropertyKey] = usage },
            });
        }

        return update;
    }

    /// <summary>What <paramref name="whole"/> adds to the usage the stream already carried (<paramref name="reported"/>), count by count.</summary>
    private static UsageDetails Complement(UsageDetails whole, UsageDetails? reported) => reported is null ? whole : new UsageDetails
    {
        InputTokenCount = whole.InputTokenCount - (reported.InputTokenCount ?? 0),
        OutputTokenCount = whole.OutputTokenCount - (reported.OutputTokenCount ?? 0),
        TotalTokenCount = whole.TotalTokenCount - (reported.TotalTokenCount ?? 0),
        ReasoningTokenCount = whole.ReasoningTokenCount - (reported.ReasoningTokenCount ?? 0),
        CachedInputTokenCount = whole.CachedInputTokenCount - (reported.CachedInputTokenCount ?? 0),
    };
}
