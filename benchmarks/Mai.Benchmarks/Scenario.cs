namespace Mai.Benchmarks;

/// <summary>The four workloads, each served from the same canned bytes to every contender.</summary>
public enum Scenario
{
    /// <summary>A short non-streaming answer.</summary>
    ShortAnswer,

    /// <summary>A non-streaming answer made of two tool calls (the request carries two tool definitions).</summary>
    ToolCalls,

    /// <summary>A 1,000-chunk stream of plain answer text.</summary>
    Stream,

    /// <summary>A 1,000-chunk stream whose first 600 chunks are a &lt;think&gt; block.</summary>
    ThinkStream,
}
