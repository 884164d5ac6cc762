using System.Text;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Collects the output an attempt produced (answer text, reasoning text, tool calls) so it can be tokenized once at the end.</summary>
internal sealed class OutputAccumulator
{
    private readonly StringBuilder _answer = new();
    private readonly StringBuilder _reasoning = new();
    private readonly List<FunctionCallContent> _calls = [];

    public void Add(IEnumerable<AIContent> contents)
    {
        foreach (var content in contents)
        {
            switch (content)
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

    public void Add(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            Add(message.Contents);
        }
    }

    /// <summary>Tokenizes what was collected: output = answer + reasoning + tool calls; reasoning reported separately.</summary>
    public (long Output, long Reasoning) Estimate(TokenEstimator estimator)
    {
        long reasoning = estimator.CountTokens(_reasoning.ToString());
        long output = estimator.CountTokens(_answer.ToString()) + reasoning;
        foreach (var call in _calls)
        {
            output += estimator.CountContent(call);
        }

        return (output, reasoning);
    }
}
