using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;

namespace Mai.Client.Tests.Resilience;

/// <summary>A buffered <see cref="Response"/> with a status, headers and a body, as the transport's exceptions keep it.</summary>
internal sealed class TestResponse : Response
{
    private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

    public TestResponse(int status, string? body = null, params (string Name, string Value)[] headers)
    {
        Status = status;
        ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body ?? string.Empty));
        foreach (var (name, value) in headers)
        {
            _headers[name] = value;
        }
    }

    public override int Status { get; }

    public override string ReasonPhrase => string.Empty;

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; } = "test-request";

    public override void Dispose()
    {
    }

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(h => new HttpHeader(h.Key, h.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        values = _headers.TryGetValue(name, out var v) ? [v] : null;
        return values is not null;
    }
}

/// <summary>The exceptions the transport throws, built the way Azure.Core builds them.</summary>
internal static class Failures
{
    public static RequestFailedException Status(int status, string? code = null, params (string Name, string Value)[] headers)
    {
        var body = code is null ? null : "{\"error\":{\"code\":\"" + code + "\",\"message\":\"test failure " + status + "\"}}";
        return new RequestFailedException(new TestResponse(status, body, headers));
    }

    public static RequestFailedException Throttled(params (string Name, string Value)[] headers) => Status(429, "429", headers);

    public static RequestFailedException ConnectionRefused() =>
        new(0, "Connection refused (127.0.0.1:1)", new HttpRequestException("Connection refused"));
}
