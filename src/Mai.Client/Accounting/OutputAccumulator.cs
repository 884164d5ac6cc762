using System.Text;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Collects the output an attempt produced (answer text, reasoning text, tool calls) so it can be tokenized once at the end.</summary>
/// <remarks>Nothing is allocated until output is added; a whole response's messages are only kept by reference and walked when an
/// estimate is needed (most responses report their usage, so most are never walked).</remarks>
internal sealed class OutputAccumulator
{
    private StringBuilder? _answer;
    private StringBuilder? _reasoning;
    private List<FunctionCallContent>? _calls;
    private IList<ChatMessage>? _pending;

    /// <summary>Adds one update's or message's contents (indexed, so no enumerator is allocated per chunk).</summary>
    public void Add(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    (_answer ??= new()).Append(text.Text);
                    break;
                case TextReasoningContent thought:
                    (_reasoning ??= new()).Append(thought.Text);
                    break;
                case FunctionCallContent call:
                    (_calls ??= []).Add(call);
                    break;
            }
        }
    }

    /// <summary>Adds a whole response's messages: kept by reference and walked only by <see cref="Estimate"/>.</summary>
    public void Add(IList<ChatMessage> messages)
    {
        Flush();
        _pending = messages;
    }

    /// <summary>Tokenizes what was collected: output = answer + reasoning + tool calls; reasoning reported separately.</summary>
    public (long Output, long Reasoning) Estimate(TokenEstimator estimator)
    {
        Flush();
        long reasoning = _reasoning is null ? 0 : estimator.CountTokens(_reasoning.ToString());
        long output = (_answer is null ? 0 : estimator.CountTokens(_answer.ToString())) + reasoning;
        if (_calls is not null)
        {
            for (var i = 0; i < _calls.Count; i++)
            {
                output += estimator.CountContent(_calls[i]);
            }
        }

        return (output, reasoning);
    }

    private void Flush()
    {
        if (_pending is not { } messages)
        {
            return;
        }

        _pending = null;
        for (var i = 0; i < messages.Count; i++)
        {
            Add(messages[i].Contents);
        }
    }
}
