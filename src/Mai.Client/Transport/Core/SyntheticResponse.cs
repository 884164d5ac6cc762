using System.Diagnostics.CodeAnalysis;
using Azure.Core;

namespace Mai.Client.Transport;

/// <summary>A header-less Azure <see cref="Azure.Response"/> for an error that has no usable response of its own (e.g. a redirect a
/// caller's HTTP client followed, whose final response is never read), so that it can still be a typed <c>MaiServiceException</c>.</summary>
internal sealed class SyntheticResponse(int status, string reasonPhrase) : Azure.Response
{
    public override int Status => status;

    public override string ReasonPhrase => reasonPhrase;

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = string.Empty;

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => false;

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => [];

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value)
    {
        value = null;
        return false;
    }

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = null;
        return false;
    }
}
