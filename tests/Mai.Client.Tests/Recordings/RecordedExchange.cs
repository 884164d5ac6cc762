namespace Mai.Client.Tests.Recordings;

/// <summary>One recorded chat-completions request/response pair, with the response as the bytes the service sent.</summary>
public sealed record RecordedExchange(string File, int Index, bool RequestedStreaming, int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public bool IsEventStream => Headers.Any(h => h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) && h.Value.Contains("event-stream", StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{File}#{Index}";
}
