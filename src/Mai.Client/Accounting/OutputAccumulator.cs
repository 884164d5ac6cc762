using System.Text;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Collects the output an attempt produced (answer text, reasoning text, tool calls) so it can be tokenized once at the end.</summary>
internal sealed class OutputAccumulator
{
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<FunctionCallContent> _calls = [];

    /// <summary>Adds one update's or message's contents (indexed, so no enumerator is allocated per chunk).</summary>
    public void Add(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    _answer.Append(text.Text);
                    break;
                case TextReasoningContent thought:
                    _reasoning.Append(thought.Text);
                    break;
                case FunctionCallContent call:
                    _calls.Add(call);
                    break;
            }
        }
    }

    public void Add(IList<ChatMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            Add(messages[i].Contents);
        }
    }

    /// <summary>Tokenizes what was collected: output = answer + reasoning + tool calls; reasoning reported separately.</summary>
    public (long Output, long Reasoning) Estimate(TokenEstimator estimator)
    {
        long reasoning = estimator.CountTokens(_reasoning.ToString());
        long output = estimator.CountTokens(_answer.ToString()) + reasoning;
        for (var i = 0; i < _calls.Count; i++)
        {
            output += estimator.CountContent(_calls[i]);
        }

        return (output, reasoning);
    }
}
