namespace Mai.Emulator;

/// <summary>Where an emulated model puts <c>usage</c> in a streamed (SSE) response.</summary>
public enum UsagePlacement
{
    /// <summary>On the last chunk, together with <c>finish_reason</c>, always (Azure serverless Mistral, DeepSeek).</summary>
    LastChunk,

    /// <summary>On a separate final <c>choices: []</c> chunk, only when the request set <c>stream_options.include_usage</c> (OpenAI, Azure OpenAI).</summary>
    SeparateChunk,

    /// <summary>Cumulative usage on every chunk, then a trailing <c>choices: []</c> chunk with the final usage (vLLM style).</summary>
    EveryChunk,

    /// <summary>Never in a stream (Azure OpenAI 2024-05-01-preview without <c>stream_options</c>).</summary>
    None,
}
