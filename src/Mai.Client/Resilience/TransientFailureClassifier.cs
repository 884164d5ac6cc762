using System.ClientModel;
using System.Collections.Frozen;
using System.Net.Sockets;
using Azure;
using Mai.Client.Errors;
using Polly.Timeout;

namespace Mai.Client.Resilience;

/// <summary>
/// Decides whether a failed attempt is worth another one. Transient: a status on the allow-list, no response at all
/// (connection refused, reset, DNS, TLS), a stream that closed without <c>[DONE]</c>, our own attempt timeouts, and a timeout or cancellation the caller did not ask
/// for. Everything else is permanent, and the caller's cancellation is never retried.
/// </summary>
internal static class TransientFailureClassifier
{
    /// <summary>The <see cref="Exception.Data"/> key that carries the reason code of a timeout this layer raised.</summary>
    public const string TimeoutReasonKey = "mai.timeout";

    public static AttemptFailure Classify(Exception exception, FrozenSet<int> retryableStatusCodes, DateTimeOffset now, CancellationToken callToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        switch (exception)
        {
            case OperationCanceledException when callToken.IsCancellationRequested:
                return new(false, null, "cancelled", null);
            case RetryAfterTooLongException tooLong:
                return new(false, tooLong.Status, "retry_after_too_long", tooLong.RetryAfter);
            case StreamInterruptedException:
                return new(false, null, "stream_interrupted", null);
            case StreamTruncatedException truncated:
                // The connection closed before [DONE] and before any finish reason: a dropped connection like a reset, even
                // though a 200 came first. (Only reaches here before the stream's first update; later it is an interruption.)
                return new(true, truncated.Status, StreamTruncatedException.Code, null);
            case TimeoutRejectedException rejected:
                return new(true, null, rejected.Data[TimeoutReasonKey] as string ?? "timeout", null);
            case RequestFailedException rfe:
                return FromStatus(rfe.Status, rfe.ErrorCode, retryableStatusCodes, now, rfe.GetRawResponse() is { } r ? name => r.Headers.TryGetValue(name, out var v) ? v : null : null);
            case ClientResultException cre:
                return FromStatus(cre.Status, null, retryableStatusCodes, now, cre.GetRawResponse() is { } pr ? name => pr.Headers.TryGetValue(name, out var v) ? v : null : null);
            case HttpRequestException { StatusCode: { } code }:
                return FromStatus((int)code, null, retryableStatusCodes, now, null);
            case HttpRequestException:
                return new(true, null, "connection_failure", null);
            case TimeoutException:
            case OperationCanceledException:
                // Nobody cancelled the call: a network timeout (the SDK reports it as TaskCanceledException).
                return new(true, null, "timeout", null);
            case IOException or SocketException:
                return new(true, null, "connection_failure", null);
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is IOException or SocketException or HttpRequestException { StatusCode: null })
            {
                return new(true, null, "connection_failure", null);
            }
        }

        return new(false, null, exception.GetType().Name, null);
    }

    private static AttemptFailure FromStatus(int status, string? errorCode, FrozenSet<int> retryable, DateTimeOffset now, Func<string, string?>? headers)
    {
        if (status == 0)
        {
            return new(true, null, "connection_failure", null);
        }

        var reason = string.IsNullOrEmpty(errorCode) ? $"http_{status}" : errorCode;
        var shouldRetry = headers?.Invoke("x-should-retry"); // the Messages API says it outright
        if (string.Equals(shouldRetry, "false", StringComparison.OrdinalIgnoreCase))
        {
            return new(false, status, reason, null);
        }

        var serverSaysRetry = string.Equals(shouldRetry, "true", StringComparison.OrdinalIgnoreCase) && !ResilienceDefaults.NeverRetriedStatusCodes.Contains(status);
        if (!retryable.Contains(status) && !serverSaysRetry)
        {
            return new(false, status, reason, null);
        }

        var wait = headers is null ? null : RetryAfterHeaders.GetServerWait(headers, now);
        return new(true, status, reason, wait);
    }
}
