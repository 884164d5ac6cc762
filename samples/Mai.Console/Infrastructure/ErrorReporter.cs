using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mai.Console.Infrastructure;

/// <summary>Turns any failure into the one stderr line the console promises: status, the service's error code and its message; never a key.</summary>
internal static class ErrorReporter
{
    public static string Describe(Exception exception) => "mai: " + Explain(exception);

    public static int ExitCode(Exception exception) => exception switch
    {
        ArgumentException or Microsoft.Extensions.Options.OptionsValidationException => MaiCli.UsageError,
        BudgetExceededException => MaiCli.BudgetRefused,
        OperationCanceledException => MaiCli.Cancelled,
        _ => MaiCli.ServiceError,
    };

    private static string Explain(Exception exception) => exception switch
    {
        MaiServiceException { Status: 200 } e => $"error: {e.ErrorCode}: {FirstLine(e.ServiceMessage ?? e.Message)}",
        MaiServiceException e => $"error: HTTP {e.Status}{Code(e.ErrorCode, e.Status)}: {FirstLine(e.ServiceMessage ?? e.Message)}",
        RetryAfterTooLongException e => $"error: HTTP {e.Status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"}{Code((e.InnerException as RequestFailedException)?.ErrorCode, e.Status ?? 0)}: {FirstLine(e.Message)}",
        StreamInterruptedException e => $"error: the stream broke after {e.UpdateCount} update(s) had arrived; it was not retried. Cause: {(e.InnerException is { } inner ? Explain(inner) : FirstLine(e.Message))}",
        BudgetExceededException e => $"refused before sending: {FirstLine(e.Message)}",
        RequestFailedException { Status: > 0 } e => $"error: HTTP {e.Status}{Code(e.ErrorCode, e.Status)}: {FirstLine(e.Message)}",
        RequestFailedException e => $"error: no response from the service: {FirstLine(e.InnerException?.Message ?? e.Message)}",
        TimeoutRejectedException => "error: the call ran past its deadline (--timeout) and was stopped.",
        BrokenCircuitException => "error: every deployment's circuit is open after repeated failures; try again later.",
        TimeoutException e => $"error: timed out: {FirstLine(e.Message)}",
        OperationCanceledException => "cancelled.",
        ArgumentException e => $"error: {FirstLine(e.Message)}",
        Microsoft.Extensions.Options.OptionsValidationException e => $"error: configuration: {FirstLine(string.Join(" ", e.Failures))}",
        _ => $"error: {exception.GetType().Name}: {FirstLine(exception.Message)}",
    };

    /// <summary>The service's error code after the status, unless it only repeats the status (Azure sends <c>"code": "429"</c>).</summary>
    private static string Code(string? code, int status) =>
        code is null || code == status.ToString(System.Globalization.CultureInfo.InvariantCulture) ? string.Empty : $" {code}";

    public static string FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var newline = line.IndexOfAny('\r', '\n');
        return (newline >= 0 ? line[..newline] : line).ToString();
    }
}
