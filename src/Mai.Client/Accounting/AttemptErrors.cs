using Mai.Client.Errors;

namespace Mai.Client.Accounting;

/// <summary>Classifies an attempt's exception for billing: did a response arrive, with which status (read by <see cref="FailureFacts"/>, the one reader of failure facts).</summary>
internal static class AttemptErrors
{
    /// <summary>The HTTP status carried by the exception or its inner exceptions: 0 when no response arrived, null when unknown.</summary>
    public static int? GetStatus(Exception exception) => FailureFacts.Read(exception, TimeProvider.System).Status;

    /// <summary>True when the attempt certainly never got a response: connection refused, DNS, TLS, or a cancellation before any output.</summary>
    public static bool NeverReachedService(Exception exception) => FailureFacts.Read(exception, TimeProvider.System).NeverReachedService;

    /// <summary>True when the response had started (status and headers arrived) and the connection broke while its body was read:
    /// an <see cref="IOException"/> from the content stream, not wrapped in the <see cref="HttpRequestException"/> that a failure
    /// before the response headers gives. The service generated output the client never saw.</summary>
    public static bool ResponseStarted(Exception exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case HttpRequestException:
                    return false;
                case IOException:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The low-cardinality <c>error.type</c>: the HTTP status when there is one, else the exception's type name.</summary>
    public static string GetErrorType(Exception exception, int? status) =>
        new FailureFacts(status, false, status, null, null).ErrorType(exception);
}
