using Mai.Client.Transport;

namespace Mai.Client;

/// <summary>The defaults of <see cref="MaiClientOptions"/>, in one place.</summary>
internal static class MaiClientDefaults
{
    /// <summary>The network timeout: the transports' own default, so the facade and a transport used alone agree.</summary>
    public static readonly TimeSpan NetworkTimeout = TransportConstants.DefaultNetworkTimeout;
}
