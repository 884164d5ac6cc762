namespace Mai.Client.Transport;

/// <summary>Defaults both transports share (each lives once; the scopes are in <see cref="ChatEndpoints"/>).</summary>
internal static class TransportConstants
{
    /// <summary>Generous, because it also bounds each read between two stream chunks of a slow reasoning model.</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Azure.Core rejects a longer <c>DiagnosticsOptions.ApplicationId</c>; the OpenAI transport keeps the same limit so one setting suits both.</summary>
    public const int MaxApplicationIdLength = 24;
}
