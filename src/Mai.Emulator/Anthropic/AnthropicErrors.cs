using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

/// <summary>Messages API error bodies: <c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c>, with <c>request-id</c> and <c>x-should-retry</c> headers.</summary>
internal static class AnthropicErrors
{
    public static string Body(string type, string message, string requestId) => Encoding.UTF8.GetString(WireJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteString("request_id", requestId);
        w.WriteEndObject();
    }));

    public static string TypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        _ => "api_error",
    };

    public static string MessageFor(int status) => status switch
    {
        429 => "This request would exceed your account's rate limit. Please try again later.",
        529 => "Overloaded",
        500 => "Internal server error",
        504 => "Request timed out",
        _ => "The emulator injected this error.",
    };

    public static bool ShouldRetry(int status) => status is 408 or 409 or 429 || status >= 500;

    public static Task WriteAsync(HttpContext context, int status, string type, string message)
    {
        var requestId = context.Response.Headers["request-id"].ToString();
        context.Response.Headers["x-should-retry"] = ShouldRetry(status) ? "true" : "false";
        return EmulatorApp.WriteJsonAsync(context, status, Body(type, message, requestId));
    }

    public static Task WriteAsync(HttpContext context, int status) => WriteAsync(context, status, TypeFor(status), MessageFor(status));

    public static string NewRequestId(DeterministicRandom? rng = null) =>
        "req_011C" + (rng ?? new DeterministicRandom((ulong)Random.Shared.NextInt64())).NextId(20);

    public static string NewMessageId() =>
        "msg_01" + new DeterministicRandom((ulong)Random.Shared.NextInt64()).NextId(22);

    public static string Rfc3339(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
