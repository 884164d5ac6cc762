using System.Runtime.CompilerServices;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <content>Streaming: the reservation is settled when the stream completes, fails or is abandoned by the caller.</content>
public sealed partial class BudgetChatClient
{
    /// <inheritdoc/>
    /// <exception cref="BudgetExceededException">The call does not fit a budget; no request was sent.</exception>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var reservation = await ReserveAsync(messages, options, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var update in base.GetStreamingResponseAsync(reservation.Messages, reservation.Options, cancellationToken).ConfigureAwait(false))
            {
                reservation.SawOutput = true;
                var contents = update.Contents;
                reservation.Output.Add(contents);
                for (var i = 0; i < contents.Count; i++)
                {
                    if (contents[i] is UsageContent usage && update.GetMaiUsage() is null)
                    {
                        reservation.ReportedUsage = usage.Details;
                    }
                }

                yield return update;
            }
        }
        finally
        {
            await SettleAsync(reservation).ConfigureAwait(false);
        }
    }
}
