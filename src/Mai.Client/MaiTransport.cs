namespace Mai.Client;

/// <summary>The HTTP transport at the bottom of the pipeline.</summary>
public enum MaiTransport
{
    /// <summary>Azure.AI.Inference's <c>ChatCompletionsClient</c> pipeline, with the responses read by Mai.Client (the default).</summary>
    AzureInference = 0,

    /// <summary>The OpenAI SDK's pipeline against an OpenAI v1 endpoint (<c>https://&lt;resource&gt;.services.ai.azure.com/openai/v1</c>),
    /// the documented successor of the deprecated Azure AI Inference API; responses are read by Mai.Client the same way.</summary>
    OpenAIV1 = 1,

    /// <summary>Anthropic's Messages API, for Claude on Foundry (<c>https://&lt;resource&gt;.services.ai.azure.com/anthropic</c>), through
    /// <see cref="Transport.AnthropicMessagesChatClient"/>; chosen automatically for an endpoint whose path ends in <c>/anthropic</c>.</summary>
    AnthropicMessages = 2,
}
