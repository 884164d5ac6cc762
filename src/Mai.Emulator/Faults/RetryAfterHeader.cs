namespace Mai.Emulator;

/// <summary>Which header a rate-limit fault uses to tell the client how long to wait.</summary>
public enum RetryAfterHeader
{
    /// <summary><c>Retry-After: &lt;whole seconds, rounded up&gt;</c> (what Azure OpenAI sends).</summary>
    RetryAfter,

    /// <summary><c>retry-after-ms: &lt;milliseconds&gt;</c>.</summary>
    RetryAfterMs,

    /// <summary><c>x-ms-retry-after-ms: &lt;milliseconds&gt;</c>.</summary>
    XMsRetryAfterMs,

    /// <summary>No delay header at all (like OpenRouter).</summary>
    None,
}
