using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;

namespace Mai.Client.Errors;

/// <summary>Turns failed responses, in-band stream error events and unreadable bodies into typed exceptions.</summary>
internal static class ServiceErrorReader
{
    private const int MaxQuotedBodyChars = 500;

    /// <summary>Builds the exception for an HTTP error response whose body has been buffered.</summary>
    public static MaiServiceException FromErrorResponse(Response response, SecretScrubber secrets)
    {
        var details = new ServiceErrorDetails();
        var body = response.Content.ToMemory();
        if (!TryReadErrorJson(body.Span, details) && body.Length > 0)
        {
            details.Message = Quote(body.Span);
        }

        FillFromHeaders(response, details);
        var message = Format($"The service answered HTTP {response.Status}{Reason(response)}", details, secrets);
        return string.Equals(details.Code, "content_filter", StringComparison.OrdinalIgnoreCase)
            ? new ContentFilterException(response, details, message)
            : new MaiServiceException(response, details, message);
    }

    /// <summary>Builds the exception for a <c>data: {"error": …}</c> event inside a 200 stream.</summary>
    public static MaiServiceException FromStreamErrorEvent(Response response, ReadOnlySpan<byte> eventJson, SecretScrubber secrets)
    {
        var details = new ServiceErrorDetails();
        if (!TryReadErrorJson(eventJson, details))
        {
            details.Message = Quote(eventJson);
        }

        FillFromHeaders(response, details);
        details.Code ??= "stream_error";
        var message = Format("The service reported an error inside the response stream", details, secrets);
        return string.Equals(details.Code, "content_filter", StringComparison.OrdinalIgnoreCase)
            ? new ContentFilterException(response, details, message)
            : new MaiServiceException(response, details, message);
    }

    /// <summary>Builds the exception for a 200 response (or stream event) whose body is not valid JSON.</summary>
    public static MaiServiceException InvalidResponse(Response response, string what, Exception? inner, SecretScrubber secrets)
    {
        var details = new ServiceErrorDetails { Code = "invalid_response", Message = what };
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
                    var category = reader.GetString()!;
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
                severity = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
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
                return reader.GetString();
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

    private static void FillFromHeaders(Response response, ServiceErrorDetails details)
    {
        if (string.IsNullOrEmpty(details.Code) && response.Headers.TryGetValue("x-ms-error-code", out var headerCode))
        {
            details.Code = headerCode;
        }

        details.RequestId = Header(response, "x-request-id") ?? Header(response, "apim-request-id") ?? Header(response, "x-ms-client-request-id")
            ?? (string.IsNullOrEmpty(response.ClientRequestId) ? null : response.ClientRequestId);
        details.RetryAfter = RetryAfterReader.Read(response.Headers);
    }

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
