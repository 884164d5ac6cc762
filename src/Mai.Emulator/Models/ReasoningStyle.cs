namespace Mai.Emulator;

/// <summary>Where an emulated model puts its reasoning (chain of thought) on the wire.</summary>
public enum ReasoningStyle
{
    /// <summary>The model does not reason: no reasoning text and <c>reasoning_tokens</c> is 0 (gpt-4o).</summary>
    None,

    /// <summary>Reasoning is inline in <c>content</c>, wrapped in <c>&lt;think&gt;…&lt;/think&gt;</c> before the answer (DeepSeek-R1 on api-version 2024-05-01-preview).</summary>
    ThinkTags,

    /// <summary>Reasoning is sent in a separate <c>reasoning_content</c> field of the message and of stream deltas (DeepSeek API, api-version 2025-04-01).</summary>
    ReasoningContent,

    /// <summary>Reasoning is generated and billed (<c>reasoning_tokens</c>) but never sent (Azure OpenAI o-series).</summary>
    Hidden,
}
