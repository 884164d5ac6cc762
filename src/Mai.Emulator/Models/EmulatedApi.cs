namespace Mai.Emulator;

/// <summary>The wire protocol an <see cref="EmulatedModel"/> is served on.</summary>
public enum EmulatedApi
{
    /// <summary>Chat completions (Azure AI Inference, Azure OpenAI, OpenAI v1 routes).</summary>
    ChatCompletions,

    /// <summary>Anthropic's Messages API at <c>POST /anthropic/v1/messages</c> (Claude on Foundry).</summary>
    AnthropicMessages,
}
