using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Buffers;
using Azure;
using Microsoft.Extensions.AI;

namespace Mai.Client.Errors;

/// <summary>Turns failed responses, in-band stream error events and unreadable bodies into typed exceptions.</summary>
internal static class ServiceErrorReader
{
    private const int MaxQuotedBodyChars = 500;

    /// <summary>Builds the exception for an HTTP error response whose body has been buffered.</summary>
    /// <param name="response">The error response.</param>
    /// <param name="secrets">The secrets to remove from everything quoted.</param>
    /// <param name="typeIsCode">Whether the error object's <c>type</c> is its code (the Messages API: <c>{"type":"error","error":{"type":"overloaded_error",…}}</c>).</param>
    public static MaiServiceException FromErrorResponse(Response response, SecretScrubber secrets, bool typeIsCode = false)
    {
        var details = new ServiceErrorDetails();
        var body = response.Content.ToMemory();
        if (!TryReadErrorJson(body.Span, details) && body.Length > 0)
        {
            details.Message = Quote(body.Span);
        }

        if (typeIsCode)
        {
            details.Code ??= details.Type;
        }

        FillFromHeaders(response, details);
        ScrubDetails(details, secrets);
        var message = Format($"The service answered HTTP {response.Status}{Reason(response)}", details, secrets);
        return string.Equals(details.Code, "content_filter", StringComparison.OrdinalIgnoreCase)
            ? new ContentFilterException(response, details, message)
            : new MaiServiceException(response, details, message);
    }

    /// <summary>Builds the exception for a <c>data: {"error": …}</c> event inside a 200 stream.</summary>
    /// <param name="response">The streaming response.</param>
    /// <param name="eventJson">The error event's data.</param>
    /// <param name="secrets">The secrets to remove from everything quoted.</param>
    /// <param name="usage">The usage the service reported before the error, so that the failed attempt is still metered.</param>
    /// <param name="typeIsCode">Whether the error object's <c>type</c> is its code (the Messages API).</param>
    public static MaiServiceException FromStreamErrorEvent(Response response, ReadOnlySpan<byte> eventJson, SecretScrubber secrets, UsageDetails? usage = null, bool typeIsCode = false)
    {
        var details = new ServiceErrorDetails { Usage = usage };
        if (!TryReadErrorJson(eventJson, details))
        {
            details.Message = Quote(eventJson);
        }

        if (typeIsCode)
        {
            details.Code ??= details.Type;
        }

        FillFromHeaders(response, details);
        ScrubDetails(details, secrets);
        details.Code ??= "stream_error";
        var message = Format("The service reported an error inside the response stream", details, secrets);
        return string.Equals(details.Code, "content_filter", StringComparison.OrdinalIgnoreCase)
            ? new ContentFilterException(response, details, message)
            : new MaiServiceException(response, details, message);
    }

    /// <summary>The code of a 2xx response that breaks the protocol (not JSON, no usable choice, not an event stream).</summary>
    public const string InvalidResponseCode = "invalid_response";

    /// <summary>The code of a response that exceeded a size limit (a server-sent events line).</summary>
    public const string ResponseTooLargeCode = "response_too_large";

    /// <summary>Builds the exception for a 2xx response (or stream event) that breaks the protocol; permanent (not retried).</summary>
    public static MaiServiceException InvalidResponse(Response response, string what, Exception? inner, SecretScrubber secrets, UsageDetails? usage = null, string code = InvalidResponseCode)
    {
        var details = new ServiceErrorDetails { Code = code, Message = what, Usage = usage };
        FillFromHeaders(response, details);
        var message = Format($"The service answered HTTP {response.Status}{Reason(response)} but {what}", details, secrets);
        return new MaiServiceException(response, details, message, inner);
    }

    /// <summary>Builds the exception for a stream that closed without <c>[DONE]</c> and without a finish reason.</summary>
    public static StreamTruncatedException Truncated(Response response, int events, SecretScrubber secrets)
    {
        var details = new ServiceErrorDetails
        {
            Code = StreamTruncatedException.Code,
            Message = string.Create(CultureInfo.InvariantCulture,
                $"the stream was truncated: the connection closed after {events} event(s) without 'data: [DONE]' and without a finish_reason"),
        };
        FillFromHeaders(response, details);
        return new StreamTruncatedException(response, details, Format("The response stream ended early", details, secrets), events);
    }

    /// <summary>Builds the exception for a response whose body broke after its status and headers arrived (a reset, an unmet
    /// Content-Length, bad chunked framing): code <see cref="MaiServiceException.ConnectionFailureCode"/>, the status kept, the network
    /// error as the inner exception, and the usage the service had reported before the break.</summary>
    public static MaiServiceException ConnectionFailure(Response response, Exception inner, SecretScrubber secrets, UsageDetails? usage = null)
    {
        var details = new ServiceErrorDetails
        {
            Code = MaiServiceException.ConnectionFailureCode,
            Message = $"the connection broke while the body was read ({inner.GetType().Name}: {secrets.Scrub(inner.Message)})",
            Usage = usage,
        };
        FillFromHeaders(response, details);
        return new MaiServiceException(response, details, Format($"The service answered HTTP {response.Status}{Reason(response)}", details, secrets), inner);
    }

    /// <summary>Builds the exception for a request that got no response at all (refused, reset, DNS, TLS): a
    /// <see cref="RequestFailedException"/> with status 0 and code <see cref="MaiServiceException.ConnectionFailureCode"/> (not a
    /// <see cref="MaiServiceException"/>: the service did not answer), its message naming the client's request id, the network error
    /// as the inner exception.</summary>
    public static RequestFailedException NoResponse(string? clientRequestId, Exception inner, SecretScrubber secrets)
    {
        var id = clientRequestId is null ? string.Empty : $" [client request id {clientRequestId}]";
        return new RequestFailedException(0, secrets.Scrub($"No response from the service: {inner.Message}{id}"), MaiServiceException.ConnectionFailureCode, inner);
    }

    /// <summary>The code of a 3xx answer: redirects are never followed.</summary>
    public const string RedirectCode = "redirect_refused";

    /// <summary>Builds the exception for a redirect (answered, or followed by a caller's HTTP client), naming only the target's origin.</summary>
    public static MaiServiceException Redirect(Response response, Uri? target, SecretScrubber secrets)
    {
        var origin = target is { IsAbsoluteUri: true } ? target.GetLeftPart(UriPartial.Authority) : "an unnamed location";
        var details = new ServiceErrorDetails
        {
            Code = RedirectCode,
            Message = $"the request was redirected to {origin}; redirects are never followed, so that credentials only go to the configured endpoint's origin (configure the endpoint the redirect names if you trust it)",
        };
        FillFromHeaders(response, details);
        return new MaiServiceException(response, details, Format($"The service answered HTTP {response.Status}{Reason(response)}", details, secrets));
    }

    /// <summary>Builds the exception for a stream the content filter stopped (<c>finish_reason: "content_filter"</c>), as the filter's HTTP 400 is reported.</summary>
    public static ContentFilterException ContentFiltered(Response response, int events, UsageDetails? usage, SecretScrubber secrets)
    {
        var details = new ServiceErrorDetails
        {
            Code = "content_filter",
            Message = string.Create(CultureInfo.InvariantCulture,
                $"the content filter stopped the response after {events} event(s) (finish_reason 'content_filter'); the text received so far is incomplete"),
            Usage = usage,
        };
        FillFromHeaders(response, details);
        return new ContentFilterException(response, details, Format("The service's content filter stopped the response stream", details, secrets));
    }

    /// <summary>Reads <c>{"error": {...}}</c>, <c>{"error": "..."}</c>, <c>{"message": ...}</c> or <c>{"detail": ...}</c>; false when not JSON.</summary>
    internal static bool TryReadErrorJson(ReadOnlySpan<byte> json, ServiceErrorDetails details)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        ReadErrorObject(ref reader, json, details);
                    }
                    else
                    {
                        details.Message ??= ScalarText(ref reader, json);
                    }
                }
                else if (reader.ValueTextEquals("message"u8) || reader.ValueTextEquals("detail"u8))
                {
                    reader.Read();
                    details.Message ??= ScalarText(ref reader, json);
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    details.Code ??= ScalarText(ref reader, json);
                }
                else if (reader.ValueTextEquals("request_id"u8))
                {
                    reader.Read();
                    details.RequestId ??= ScalarText(ref reader, json); // the Messages API puts it beside the error object
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ScrubDetails(ServiceErrorDetails details, SecretScrubber secrets)
    {
        details.Message = secrets.ScrubOrNull(details.Message);
        details.Param = secrets.ScrubOrNull(details.Param);
        details.Code = secrets.ScrubOrNull(details.Code);
        details.InnerErrorCode = secrets.ScrubOrNull(details.InnerErrorCode);
        details.RequestId = secrets.ScrubOrNull(details.RequestId);
        details.Type = secrets.ScrubOrNull(details.Type);
    }

    private static void ReadErrorObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ServiceErrorDetails details)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                details.Code = ScalarText(ref reader, json);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                details.Message = ScalarText(ref reader, json);
            }
            else if (reader.ValueTextEquals("param"u8))
            {
                reader.Read();
                details.Param = ScalarText(ref reader, json);
            }
            else if (reader.ValueTextEquals("details"u8))
            {
                reader.Read();
                ReadValidationDetails(ref reader, details);
            }
            else if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                details.Type = ScalarText(ref reader, json);
            }
            else if (reader.ValueTextEquals("status"u8))
            {
                reader.Read();
                details.Status = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var status) ? status : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("innererror"u8) || reader.ValueTextEquals("inner_error"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadInnerError(ref reader, json, details);
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>Reads FastAPI-style <c>details: [{"loc": ["body", "stream_options"], …}]</c> (Azure serverless 422s): the last name in
    /// the first <c>loc</c> becomes the parameter, when the error named none.</summary>
    private static void ReadValidationDetails(ref Utf8JsonReader reader, ServiceErrorDetails details)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isLoc = reader.ValueTextEquals("loc"u8);
                reader.Read();
                if (!isLoc || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    continue;
                }

                string? last = null;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        last = SafeString(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                if (last is not null && last != "body")
                {
                    details.Param ??= last;
                }
            }
        }
    }

    private static void ReadInnerError(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, ServiceErrorDetails details)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("code"u8))
            {
                reader.Read();
                details.InnerErrorCode = ScalarText(ref reader, json);
            }
            else if (reader.ValueTextEquals("content_filter_result"u8) || reader.ValueTextEquals("content_filter_results"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                details.ContentFilterResults = [];
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var category = SafeString(ref reader);
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        details.ContentFilterResults[category] = ReadCategory(ref reader);
                    }
                    else
                    {
                        reader.Skip(); // custom_blocklists is an array of {filtered, id}
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static ContentFilterCategoryResult ReadCategory(ref Utf8JsonReader reader)
    {
        bool filtered = false;
        bool? detected = null;
        string? severity = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("filtered"u8))
            {
                reader.Read();
                filtered = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("detected"u8))
            {
                reader.Read();
                detected = reader.TokenType switch { JsonTokenType.True => true, JsonTokenType.False => false, _ => null };
            }
            else if (reader.ValueTextEquals("severity"u8))
            {
                reader.Read();
                severity = reader.TokenType == JsonTokenType.String ? SafeString(ref reader) : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ContentFilterCategoryResult(filtered, severity, detected);
    }

    /// <summary>A string, number or bool as text (codes are numeric on some services); an object or array as its raw JSON.</summary>
    private static string? ScalarText(ref Utf8JsonReader reader, ReadOnlySpan<byte> json)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return SafeString(ref reader);
            case JsonTokenType.Number:
            case JsonTokenType.True:
            case JsonTokenType.False:
                return Encoding.UTF8.GetString(reader.ValueSpan);
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Quote(json[start..(int)reader.BytesConsumed]);
            default:
                return null;
        }
    }

    /// <summary>The string value; invalid UTF-8 or a lone surrogate escape read leniently (replacement characters) instead of throwing.</summary>
    private static string SafeString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString() ?? string.Empty;
        }
        catch (InvalidOperationException)
        {
            return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
        }
    }

    private static void FillFromHeaders(Response response, ServiceErrorDetails details)
    {
        if (string.IsNullOrEmpty(details.Code) && response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            details.Code = headerCode;
        }

        details.RequestId = details.RequestId ?? Header(response, "x-request-id") ?? Header(response, "request-id") ?? Header(response, "apim-request-id")
            ?? Header(response, "x-ms-client-request-id") ?? (string.IsNullOrEmpty(response.ClientRequestId) ? null : response.ClientRequestId);
        details.RetryAfter = RetryAfterReader.Read(response.Headers, TimeProvider.System);
        details.ShouldRetry = ShouldRetry(response);
    }

    /// <summary>Reads <c>x-should-retry</c> (<c>true</c> or <c>false</c>, as Anthropic's API sends it); anything else is no verdict.</summary>
    internal static bool? ShouldRetry(Response response) => Header(response, "x-should-retry") switch
    {
        { } v when v.Trim().Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        { } v when v.Trim().Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => null,
    };

    private static string? Header(Response response, string name) =>
        response.Headers.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static string Reason(Response response) => string.IsNullOrEmpty(response.ReasonPhrase) ? string.Empty : $" ({response.ReasonPhrase})";

    private static string Quote(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body.Length > MaxQuotedBodyChars * 4 ? body[..(MaxQuotedBodyChars * 4)] : body).Trim();
        return text.Length > MaxQuotedBodyChars ? string.Concat(text.AsSpan(0, MaxQuotedBodyChars), "…") : text;
    }

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

        if (!string.IsNullOrEmpty(details.Param))
        {
            sb.Append(" (param '").Append(details.Param).Append("')");
        }

        if (!string.IsNullOrEmpty(details.RequestId))
        {
            sb.Append(" [request id ").Append(details.RequestId).Append(']');
        }

        return secrets.Scrub(sb.ToString());
    }
}
