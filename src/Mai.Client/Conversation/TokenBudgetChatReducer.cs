using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Conversation;

/// <summary>
/// An <see cref="IChatReducer"/> that keeps a conversation within a prompt-token budget: every system message stays, then the
/// most recent turns are kept whole, newest first, while they fit; older turns are dropped.
/// </summary>
/// <remarks>
/// <para>A turn is a user message and every message after it up to the next user message (the assistant's answer, its tool calls
/// and their results), so a tool result is never kept without the call that asked for it.</para>
/// <para>Tokens are counted with <see cref="TokenEstimator.EstimatePromptTokens(IEnumerable{ChatMessage})"/>, the rule the metering layer and the emulator use:
/// 3 tokens of reply priming plus, per message, 3 tokens and its content. The budget is for the prompt only: leave room for the answer
/// by passing the model's context window minus the maximum output tokens.</para>
/// <para>The most recent turn is always kept, even when it alone exceeds the budget, so the call fails with a clear context-window
/// error instead of silently losing the question. Use it directly, or with M.E.AI's <c>ReducingChatClient</c> /
/// <c>ChatClientBuilder.UseChatReducer</c>. Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class TokenBudgetChatReducer : IChatReducer
{
    private const int ReplyPrimingTokens = 3;

    private readonly TokenEstimator _estimator;

    /// <summary>Initializes a new instance of the <see cref="TokenBudgetChatReducer"/> class.</summary>
    /// <param name="maxPromptTokens">The most prompt tokens the reduced conversation may take, as estimated; at least 1.</param>
    /// <param name="estimator">The token counter; <see langword="null"/> for <see cref="TokenEstimator.Default"/> (o200k_base).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxPromptTokens"/> is less than 1.</exception>
    public TokenBudgetChatReducer(int maxPromptTokens, TokenEstimator? estimator = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPromptTokens, 1);
        MaxPromptTokens = maxPromptTokens;
        _estimator = estimator ?? TokenEstimator.Default;
    }

    /// <summary>Gets the most prompt tokens a reduced conversation may take.</summary>
    public int MaxPromptTokens { get; }

    /// <summary>Estimates the prompt tokens of <paramref name="messages"/> as this reducer counts them.</summary>
    /// <param name="messages">The messages.</param>
    /// <returns>The estimated prompt token count, reply priming included.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public int CountTokens(IEnumerable<ChatMessage> messages) => _estimator.EstimatePromptTokens(messages);

    /// <summary>Returns the system messages and the most recent whole turns that fit <see cref="MaxPromptTokens"/>, in their original order.</summary>
    /// <param name="messages">The conversation; not modified.</param>
    /// <param name="cancellationToken">Cancels the reduction.</param>
    /// <returns>The reduced conversation; the same messages, in order, when everything fits.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public Task<IEnumerable<ChatMessage>> ReduceAsync(IEnumerable<ChatMessage> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IEnumerable<ChatMessage>>(Reduce([.. messages], cancellationToken));
    }

    private List<ChatMessage> Reduce(List<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var cost = new int[messages.Count];
        var used = ReplyPrimingTokens;
        for (var i = 0; i < messages.Count; i++)
        {
            cost[i] = _estimator.EstimatePromptTokensCore([messages[i]], null, cancellationToken) - ReplyPrimingTokens;
            if (messages[i].Role == ChatRole.System)
            {
                used += cost[i];
            }
        }

        // Walk turns from the newest back; keep each whole turn while it fits, and always the newest.
        var keepFrom = messages.Count;
        var end = messages.Count;
        while (end > 0)
        {
            var start = end - 1;
            while (start > 0 && messages[start].Role != ChatRole.User)
            {
                start--;
            }

            var turn = 0;
            for (var i = start; i < end; i++)
            {
                turn += messages[i].Role == ChatRole.System ? 0 : cost[i];
            }

            if (used + turn > MaxPromptTokens && keepFrom != messages.Count)
            {
                break;
            }

            used += turn;
            keepFrom = start;
            end = start;
        }

        if (keepFrom == 0)
        {
            return messages;
        }

        var kept = new List<ChatMessage>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            if (i >= keepFrom || messages[i].Role == ChatRole.System)
            {
                kept.Add(messages[i]);
            }
        }

        return kept;
    }
}
