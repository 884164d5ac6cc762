using System.Text;
using System.Text.Json;
using Azure;
using Mai.Client.Errors;

namespace Mai.Client.Transport;

/// <summary>
/// Turns <c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c> (an error status, or an <c>event: error</c> inside a
/// stream) into the library's typed exceptions: status, code = the error type, the service's message and the request id.
/// </summary>
internal static class AnthropicErrorReader
{
    private const int MaxQuotedChars = 500;

    public static MaiServiceException FromErrorResponse(Response response, SecretScrubber secrets)
    {
        var details = Read(response, response.Content.ToMemory().Span);
        return new MaiServiceException(response, details, Format($"The service answered HTTP {response.Status}", details, secrets));
    }

    public static MaiServiceException FromStreamError(Response response, ReadOnlySpan<byte> eventJson, SecretScrubber secrets)
    {
        var details = Read(response, eventJson);
        details.Code ??= "stream_error";
        return new MaiServiceException(response, details, Format("The service reported an error inside the response stream", details, secrets));
    }

    private static ServiceErrorDetails Read(Response response, ReadOnlySpan<byte> body)
    {
        var details = new ServiceErrorDetails();
        try
        {
            var reader = new Utf8JsonReader(body);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                details.Code = AnthropicResponseReader.Str(error, "type") ?? AnthropicResponseReader.Str(error, "code");
                details.Message = AnthropicResponseReader.Str(error, "message");
            }

            details.RequestId = AnthropicResponseReader.Str(root, "request_id");
        }
        catch (JsonException)
        {
            if (!body.IsEmpty)
            {
                var text = Encoding.UTF8.GetString(body.Length > MaxQuotedChars * 4 ? body[..(MaxQuotedChars * 4)] : body).Trim();
                details.Message = text.Length > MaxQuotedChars ? string.Concat(text.AsSpan(0, MaxQuotedChars), "…") : text;
            }
        }

        details.RequestId ??= Header(response, "request-id") ?? Header(response, "x-request-id") ?? Header(response, "apim-request-id");
        details.RetryAfter = RetryAfterReader.Read(response.Headers);
        return details;
    }

    private static string? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string Format(string what, ServiceErrorDetails details, SecretScrubber secrets)
    {
        var sb = new StringBuilder(what);
        if (!string.IsNullOrEmpty(details.Code))
        {
            sb.Append(", code '").Append(details.Code).Append('\'');
        }

        if (!string.IsNullOrEmpty(details.Message))
        {
            sb.Append(": ").Append(details.Message);
        }

        if (!string.IsNullOrEmpty(details.RequestId))
        {
            sb.Append(" [request id ").Append(details.RequestId).Append(']');
        }

        return secrets.Scrub(sb.ToString());
    }
}
