namespace Mai.Emulator;

/// <summary>The kind of failure an <see cref="EmulatorFault"/> injects.</summary>
public enum EmulatorFaultKind
{
    /// <summary>No fault: the request is answered normally (useful as a gap in a script).</summary>
    None,

    /// <summary>429 with the real Azure OpenAI body, <c>x-ratelimit-*</c> headers and one retry-delay header.</summary>
    RateLimit,

    /// <summary>An HTTP error status (500, 503, 408, …) with an Azure-like JSON body.</summary>
    HttpError,

    /// <summary>The connection is aborted before any response byte.</summary>
    ConnectionReset,

    /// <summary>The response is aborted (connection reset) after a number of SSE chunks.</summary>
    CutStream,

    /// <summary>The stream closes cleanly after a number of SSE chunks, without <c>data: [DONE]</c>.</summary>
    TruncateStream,

    /// <summary>The response stops (before the first byte, or after a number of chunks) for a while or until the client disconnects.</summary>
    Stall,

    /// <summary>200 with a broken JSON body, or a broken SSE chunk after a number of chunks.</summary>
    MalformedJson,

    /// <summary>400 <c>content_filter</c> with the real Azure body (plain JSON even for streaming requests).</summary>
    ContentFilter,

    /// <summary>400 <c>context_length_exceeded</c> with the real OpenAI message.</summary>
    ContextLengthExceeded,

    /// <summary>An error event inside a 200 stream after a number of chunks, then the end of the response: <c>event: error</c> with
    /// <c>overloaded_error</c> on the Messages API, <c>data: {"error": …}</c> on chat completions.</summary>
    StreamError,
}
