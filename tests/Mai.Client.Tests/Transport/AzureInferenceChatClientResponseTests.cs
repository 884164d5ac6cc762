namespace Mai.Client.Tests.Transport;

/// <summary>The shared non-streaming suite against <see cref="Mai.Client.Transport.AzureInferenceChatClient"/>.</summary>
public sealed class AzureInferenceChatClientResponseTests() : ChatTransportResponseTests(TransportUnderTest.AzureInference);
