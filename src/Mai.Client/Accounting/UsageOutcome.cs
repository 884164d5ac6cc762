namespace Mai.Client.Accounting;

/// <summary>How an attempt ended, as recorded in a <see cref="UsageRecord"/>.</summary>
public enum UsageOutcome
{
    /// <summary>The service answered and the response (or stream) completed.</summary>
    Succeeded,

    /// <summary>The service answered with an error status (4xx/5xx); no tokens are billed for it, so the record carries zero tokens.</summary>
    Rejected,

    /// <summary>The attempt reached the service and then failed (a stream cut mid-way, a malformed body, a timeout after sending); usage is estimated where none was reported.</summary>
    Failed,

    /// <summary>The caller stopped enumerating a stream (or cancelled it) after output had started; usage is estimated where none was reported.</summary>
    Abandoned,
}
