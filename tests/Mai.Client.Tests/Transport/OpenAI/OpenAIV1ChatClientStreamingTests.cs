namespace Mai.Client.Tests.Transport;

/// <summary>The shared streaming suite against <see cref="Mai.Client.Transport.OpenAIV1ChatClient"/>.</summary>
public sealed class OpenAIV1ChatClientStreamingTests() : ChatTransportStreamingTests(TransportUnderTest.OpenAIV1);
