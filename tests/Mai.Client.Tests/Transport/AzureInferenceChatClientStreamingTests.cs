namespace Mai.Client.Tests.Transport;

/// <summary>The shared streaming suite against <see cref="Mai.Client.Transport.AzureInferenceChatClient"/>.</summary>
public sealed class AzureInferenceChatClientStreamingTests() : ChatTransportStreamingTests(TransportUnderTest.AzureInference);
