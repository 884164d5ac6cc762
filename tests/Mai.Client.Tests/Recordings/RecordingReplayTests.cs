using Mai.Client.Tests.Transport;

namespace Mai.Client.Tests.Recordings;

/// <summary>The recorded traffic replayed through <see cref="Mai.Client.Transport.AzureInferenceChatClient"/>.</summary>
public sealed class RecordingReplayTests() : RecordingReplaySuite(TransportUnderTest.AzureInference);
