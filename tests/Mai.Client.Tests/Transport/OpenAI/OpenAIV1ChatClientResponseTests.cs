namespace Mai.Client.Tests.Transport;

/// <summary>The shared non-streaming suite against <see cref="Mai.Client.Transport.OpenAIV1ChatClient"/>.</summary>
public sealed class OpenAIV1ChatClientResponseTests() : ChatTransportResponseTests(TransportUnderTest.OpenAIV1);
