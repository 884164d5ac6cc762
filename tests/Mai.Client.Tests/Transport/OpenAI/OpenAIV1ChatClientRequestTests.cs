namespace Mai.Client.Tests.Transport;

/// <summary>The shared request suite against <see cref="Mai.Client.Transport.OpenAIV1ChatClient"/>.</summary>
public sealed class OpenAIV1ChatClientRequestTests() : ChatTransportRequestTests(TransportUnderTest.OpenAIV1);
