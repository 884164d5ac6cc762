using Azure;

namespace Mai.Console.Infrastructure;

/// <summary>Turns any failure into the one stderr line the console promises: status, the service's error code and its message; never a key.</summary>
internal static class ErrorReporter
{
    public static string Describe(Exception exception) => exception switch
    {
        RequestFailedException rfe when rfe.Status > 0 =>
            $"mai: error: HTTP {rfe.Status}{(rfe.ErrorCode is { } code ? $" {code}" : string.Empty)}: {FirstLine(rfe.Message)}",
        RequestFailedException rfe => $"mai: error: no response from the service: {FirstLine(rfe.InnerException?.Message ?? rfe.Message)}",
        OperationCanceledException => "mai: cancelled.",
        ArgumentException arg => $"mai: error: {FirstLine(arg.Message)}",
        _ => $"mai: error: {exception.GetType().Name}: {FirstLine(exception.Message)}",
    };

    public static int ExitCode(Exception exception) => exception switch
    {
        ArgumentException => 2,
        OperationCanceledException => 130,
        _ => 1,
    };

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var newline = line.IndexOfAny('\r', '\n');
        return (newline >= 0 ? line[..newline] : line).ToString();
    }
}
