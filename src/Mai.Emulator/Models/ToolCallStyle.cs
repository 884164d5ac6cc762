namespace Mai.Emulator;

/// <summary>How an emulated model streams tool calls.</summary>
public enum ToolCallStyle
{
    /// <summary>OpenAI style: <c>id</c>, <c>type</c>, <c>index</c> and name in the first fragment, then argument fragments carrying only <c>index</c>.</summary>
    OpenAI,

    /// <summary>Mistral style: each whole call in one chunk, with no <c>index</c> or <c>type</c>, together with <c>finish_reason</c>.</summary>
    Mistral,
}
