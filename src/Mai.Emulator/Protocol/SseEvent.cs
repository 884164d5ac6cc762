namespace Mai.Emulator;

/// <summary>One <c>data:</c> event, ready to write, with the generated tokens it carries (for pacing).</summary>
internal sealed record SseEvent(byte[] Bytes, int Tokens, bool Generated)
{
    public static readonly SseEvent Done = new("data: [DONE]\n\n"u8.ToArray(), 0, false);
}
