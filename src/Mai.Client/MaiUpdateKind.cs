namespace Mai.Client;

/// <summary>What a <see cref="MaiUpdate"/> carries.</summary>
public enum MaiUpdateKind
{
    /// <summary>A piece of the model's reasoning.</summary>
    Reasoning,

    /// <summary>A piece of the answer.</summary>
    Answer,

    /// <summary>A complete tool call the model asks for.</summary>
    ToolCall,

    /// <summary>The token usage of the call.</summary>
    Usage,

    /// <summary>The last update: the whole call's <see cref="MaiResult"/>.</summary>
    Completed,
}
