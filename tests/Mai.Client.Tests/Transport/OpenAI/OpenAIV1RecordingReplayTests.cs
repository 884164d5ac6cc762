using Mai.Client.Tests.Recordings;

namespace Mai.Client.Tests.Transport;

/// <summary>The recorded traffic replayed through <see cref="Mai.Client.Transport.OpenAIV1ChatClient"/>: every fact the Azure transport surfaces.</summary>
public sealed class OpenAIV1RecordingReplayTests() : RecordingReplaySuite(TransportUnderTest.OpenAIV1);
