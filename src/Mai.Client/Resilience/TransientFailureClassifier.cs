using System.Collections.Frozen;
using System.Net.Sockets;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Polly.Timeout;

namespace Mai.Client.Resilience;

/// <summary>
/// Decides whether a failed attempt is worth another one, from the facts <see cref="FailureFacts"/> reads. Transient: a
/// status on the allow-list (for an error event inside a 200 stream, the status it names: <c>429</c>, overloaded), no
/// response at all (connection refused, reset, DNS, TLS), a stream that closed without <c>[DONE]</c>, our own attempt
/// timeouts, and a timeout or cancellation the caller did not ask for. A deployment's client-side quota refusal fails
/// over. Everything else is permanent, and the caller's cancellation is never retried.
/// </summary>
internal static class TransientFailureClassifier
{
    /// <summary>The <see cref="Exception.Data"/> key that carries the reason code of a timeout this layer raised.</summary>
    public const string TimeoutReasonKey = "mai.timeout";

    public static AttemptFailure Classify(Exception exception, FrozenSet<int> retryableStatusCodes, TimeProvider time, CancellationToken callToken)
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
            case BudgetExceededException quota:
                // Only a deployment's own quota (metering, below this layer) refuses here; nothing was sent.
                var now = time.GetUtcNow();
                return new(false, null, "client_quota", quota.ResetsAt is { } at && at > now ? at - now : null, IsClientQuota: true);
            case StreamTruncatedException truncated:
                // The connection closed before [DONE] and before any finish reason: a dropped connection like a reset, even
                // though a 200 came first. (Only reaches here before the stream's first update; later it is an interruption.)
                return new(true, truncated.Status, StreamTruncatedException.Code, null);
            case MaiServiceException { ErrorCode: MaiServiceException.ConnectionFailureCode, Status: >= 200 and < 300 }:
                // A body that broke after a 2xx's headers: a dropped connection, like the IOException inside it. (No response at all
                // is status 0, below.)
                return new(true, null, "connection_failure", null);
            case TimeoutRejectedException rejected:
                return new(true, null, rejected.Data[TimeoutReasonKey] as string ?? "timeout", null);
        }

        var facts = FailureFacts.Read(exception, time);
        if (facts.Status is { } status)
        {
            if (status == 0)
            {
                return new(true, null, "connection_failure", null);
            }

            var reason = string.IsNullOrEmpty(facts.ErrorCode) ? $"http_{status}" : facts.ErrorCode;
            var serviceStatus = facts.ServiceStatus ?? status;

            // The Messages API says outright whether to retry (x-should-retry); its "false" always wins, its "true" never
            // overrides a status that cannot succeed on a retry (400, 401, 403, 404, 422).
            var retry = facts.ShouldRetry switch
            {
                false => false,
                true => Array.IndexOf(ResilienceDefaults.NeverRetriedStatusCodes, serviceStatus) < 0,
                null => retryableStatusCodes.Contains(serviceStatus),
            };
            return retry ? new(true, status, reason, facts.RetryAfter) : new(false, status, reason, null);
        }

        switch (exception)
        {
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
}
