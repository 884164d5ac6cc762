namespace Mai.Emulator;

/// <summary>Everything one response will say, decided before the first byte is written.</summary>
internal sealed class CompletionPlan
{
    public required EmulatedModel Model { get; init; }

    /// <summary>Reasoning as it goes on the wire: with tags for <see cref="ReasoningStyle.ThinkTags"/>; empty for <see cref="ReasoningStyle.None"/>.</summary>
    public required string Reasoning { get; init; }

    /// <summary>The answer text (without any think block); empty when the answer is tool calls.</summary>
    public required string Answer { get; init; }

    public required IReadOnlyList<ToolCallData> ToolCalls { get; init; }

    public required string FinishReason { get; init; }

    public required int PromptTokens { get; init; }

    public required int CachedTokens { get; init; }

    /// <summary>Tokens of <see cref="Reasoning"/>; part of <see cref="CompletionTokens"/>.</summary>
    public required int ReasoningTokens { get; init; }

    /// <summary>tokens(reasoning) + tokens(answer) + Σ tokens(tool-call arguments), each counted separately.</summary>
    public required int CompletionTokens { get; init; }

    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>The message <c>content</c>: the think block (for think tags) followed by the answer; null for a pure tool-call answer.</summary>
    public string? MessageContent
    {
        get
        {
            var content = Model.Reasoning == ReasoningStyle.ThinkTags ? Reasoning + Answer : Answer;
            return content.Length == 0 && ToolCalls.Count > 0 ? null : content;
        }
    }

    /// <summary>The <c>reasoning_content</c> field, when the model uses it.</summary>
    public string? ReasoningContent => Model.Reasoning == ReasoningStyle.ReasoningContent && Reasoning.Length > 0 ? Reasoning : null;
}
