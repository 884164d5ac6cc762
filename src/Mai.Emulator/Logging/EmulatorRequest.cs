namespace Mai.Emulator;

/// <summary>One HTTP request the emulator received, as recorded in <see cref="MaiEmulator.Requests"/>.</summary>
/// <remarks>The values of <c>api-key</c> and <c>Authorization</c> are recorded as <c>REDACTED</c> (the Bearer scheme is kept) so keys never leak through test output.</remarks>
public sealed class EmulatorRequest
{
    private volatile EmulatorFault? _fault;

    internal EmulatorRequest(DateTimeOffset timestamp, string method, string pathAndQuery, IReadOnlyDictionary<string, string> headers, string body)
    {
        Timestamp = timestamp;
        Method = method;
        PathAndQuery = pathAndQuery;
        Headers = headers;
        Body = body;
    }

    /// <summary>Gets when the request arrived, on the emulator's <see cref="TimeProvider"/>.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the path and query, e.g. <c>/chat/completions?api-version=2024-05-01-preview</c>.</summary>
    public string PathAndQuery { get; }

    /// <summary>Gets the request headers (case-insensitive names; repeated values joined with <c>, </c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the request body as UTF-8 text (empty when there is none).</summary>
    public string Body { get; }

    /// <summary>Gets the fault applied to this request, or <see langword="null"/> when none was (or the request failed auth or validation first).</summary>
    public EmulatorFault? Fault
    {
        get => _fault;
        internal set => _fault = value;
    }

    /// <summary>Returns <c>METHOD path</c> plus the fault, for assertion messages.</summary>
    /// <returns>A one-line description.</returns>
    public override string ToString() => Fault is { Kind: not EmulatorFaultKind.None } f ? $"{Method} {PathAndQuery} [{f}]" : $"{Method} {PathAndQuery}";
}
