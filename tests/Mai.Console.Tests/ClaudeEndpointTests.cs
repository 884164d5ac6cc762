using Mai.Client;
using Mai.Console.Infrastructure;

namespace Mai.Console.Tests;

/// <summary>How `mai` points each model of one Foundry resource at its API: Claude at <c>/anthropic</c>, the others unchanged.</summary>
public sealed class ClaudeEndpointTests
{
    [Theory]
    [InlineData("https://r.services.ai.azure.com/models", "claude-opus-4-6", "https://r.services.ai.azure.com/anthropic")]
    [InlineData("https://r.services.ai.azure.com/anthropic", "claude-opus-4-6", "https://r.services.ai.azure.com/anthropic")]
    [InlineData("https://r.services.ai.azure.com/models", "MAI-Thinking-1", "https://r.services.ai.azure.com/models")]
    [InlineData("https://gateway.example.com/claude", "claude-opus-4-6", "https://gateway.example.com/claude")]
    public void RemoteEndpoint_ClaudeOnAFoundryResource_GoesToAnthropic(string endpoint, string model, string expected) =>
        Assert.Equal(new Uri(expected), ClientFactoryTransports.RemoteEndpoint(new Uri(endpoint), model));

    [Theory]
    [InlineData("claude-haiku-4-5", MaiTransport.AzureInference, "http://127.0.0.1:5000/anthropic")]
    [InlineData("gpt-4o", MaiTransport.OpenAIV1, "http://127.0.0.1:5000/openai/v1")]
    [InlineData("gpt-4o", MaiTransport.AzureInference, "http://127.0.0.1:5000/")]
    public void EmulatorEndpoint_ClaudeOnTheMessagesRoute(string model, MaiTransport transport, string expected) =>
        Assert.Equal(new Uri(expected), ClientFactoryTransports.EmulatorEndpoint(new Uri("http://127.0.0.1:5000/"), transport, model));

    [Fact]
    public void Parse_Anthropic_IsTheMessagesTransport() =>
        Assert.Equal(MaiTransport.AnthropicMessages, ClientFactoryTransports.Parse("anthropic"));
}
