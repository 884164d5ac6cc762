using System.Text;
using Microsoft.Extensions.AI;

namespace Mai.Client.Resilience;

/// <summary>What a stream has delivered to the caller so far: answer text, reasoning text, update count, last usage.</summary>
internal sealed class StreamProgress
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();

    public int UpdateCount { get; private set; }

    /// <summary>Gets or sets whether the stream failed after its first update (the failure is already recorded).</summary>
    public bool Failed { get; set; }

    public UsageDetails? Usage { get; private set; }

    public string Text => _text.ToString();

    public string ReasoningText => _reasoning.ToString();

    public void Add(ChatResponseUpdate update)
    {
        UpdateCount++;

        // Indexed, not foreach: enumerating an IList<AIContent> allocates an enumerator per chunk unless the JIT removes it.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent text:
                    _text.Append(text.Text);
                    break;
                case TextReasoningContent reasoning:
                    _reasoning.Append(reasoning.Text);
                    break;
                case UsageContent usage:
                    Usage = usage.Details;
                    break;
            }
        }
    }
}
