using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mai.Console.Compare;

/// <summary>Names the kind of a failed call for the "errors by kind" column: status and service code, or what broke.</summary>
internal static class ErrorKinds
{
    public static string Classify(Exception exception) => exception switch
    {
        MaiServiceException { Status: 200 } e => e.ErrorCode ?? "service error",
        MaiServiceException e => Http(e.Status, e.ErrorCode),
        RetryAfterTooLongException e => Http(e.Status ?? 0, null) + " (retry-after too long)",
        StreamInterruptedException => "stream cut",
        BudgetExceededException => "budget",
        ContextWindowExceededException => "context window",
        RequestFailedException { Status: > 0 } e => Http(e.Status, e.ErrorCode),
        RequestFailedException => "no response",
        TimeoutRejectedException or TimeoutException => "timeout",
        BrokenCircuitException => "circuit open",
        HttpRequestException => "no response",
        _ => exception.GetType().Name,
    };

    private static string Http(int status, string? code) =>
        "HTTP " + status.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + (code is null || code == status.ToString(System.Globalization.CultureInfo.InvariantCulture) ? string.Empty : " " + code);
}
