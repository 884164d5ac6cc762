namespace Mai.Emulator;

/// <summary>How generated text is split into stream chunks.</summary>
public enum StreamChunking
{
    /// <summary>One chunk per word, with its leading whitespace (" on", " the").</summary>
    Word,

    /// <summary>One chunk per o200k_base token.</summary>
    Token,
}
