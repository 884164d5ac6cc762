using System.Diagnostics.CodeAnalysis;
using Azure.Core;

namespace Mai.Client.Transport;

/// <summary>An Azure <see cref="Azure.Response"/> without a body, for an error that has no usable response of its own: a redirect a caller's
/// HTTP client followed (whose final response is never read), or a response whose body broke (its status and headers kept, so that it
/// outlives the SDK message that owned it), so that it can still be a typed <c>MaiServiceException</c>.</summary>
internal sealed class SyntheticResponse : Azure.Response
{
    private readonly int _status;
    private readonly string _reasonPhrase;
    private readonly HttpHeader[] _headers;

    public SyntheticResponse(int status, string reasonPhrase)
    {
        _status = status;
        _reasonPhrase = reasonPhrase;
        _headers = [];
    }

    /// <summary>Copies <paramref name="source"/>'s status, reason, headers and client request id (not its body).</summary>
    public SyntheticResponse(Azure.Response source)
    {
        _status = source.Status;
        _reasonPhrase = source.ReasonPhrase;
        _headers = [.. source.Headers];
        ClientRequestId = source.ClientRequestId ?? string.Empty;
    }

    public override int Status => _status;

    public override string ReasonPhrase => _reasonPhrase;

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = string.Empty;

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => TryGetHeader(name, out _);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers;

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        value = TryGetHeaderValues(name, out var values) ? string.Join(",", values) : null;
        return value is not null;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        var found = _headers.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        values = found.Length > 0 ? found : null;
        return values is not null;
    }
}
