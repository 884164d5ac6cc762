using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;
using Azure;

namespace Mai.Client.Errors;

/// <summary>
/// What a failed attempt's exception says, read once, in one place, for every layer that needs it (metering bills by it,
/// resilience retries by it): the HTTP status, whether a response arrived, the service's error code and type, the status
/// the service named for the failure, and the wait it asked for.
/// </summary>
/// <param name="Status">The HTTP status carried by the exception or an inner one: 0 when no response arrived, <see langword="null"/> when unknown.</param>
/// <param name="NeverReachedService">Whether the attempt certainly never got a response (connection refused, DNS, TLS, or a cancellation before output).</param>
/// <param name="ServiceStatus">The status the failure amounts to: the HTTP status, or for an error event inside a 200 stream the status it names (<c>429</c> for <c>rate_limit_exceeded</c>, <c>503</c> for <c>overloaded</c>).</param>
/// <param name="ErrorCode">The service's error code (<c>error.code</c> or <c>x-ms-error-code</c>), if any.</param>
/// <param name="RetryAfter">The wait the service asked for, by <see cref="RetryAfterReader"/>'s rule, if any.</param>
/// <param name="ShouldRetry">The service's explicit verdict (<c>x-should-retry</c>, sent by the Messages API), if any.</param>
internal readonly record struct FailureFacts(int? Status, bool NeverReachedService, int? ServiceStatus, string? ErrorCode, TimeSpan? RetryAfter, bool? ShouldRetry = null)
{
    /// <summary>The <see cref="Exception.Data"/> key the transport sets on a cancellation that came after the request was sent (the
    /// service has it and may bill it), so that the attempt is not taken for one that never reached the service.</summary>
    public const string RequestSentKey = "mai.request_sent";

    /// <summary>Reads the facts of <paramref name="exception"/>; <paramref name="time"/> measures an HTTP-date wait on a response without a <c>Date</c> header.</summary>
    public static FailureFacts Read(Exception exception, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var never = exception switch
        {
            RequestFailedException { Status: 0 } => true,
            ClientResultException { Status: 0 } => true,
            HttpRequestException { StatusCode: null } => true,
            SocketException => true,
            OperationCanceledException cancelled => cancelled.Data[RequestSentKey] is not true, // cancelled before the request was sent
            _ => false,
        };

        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case MaiServiceException mse:
                    return new(mse.Status, never, InBandStatus(mse) ?? mse.Status, mse.ErrorCode, mse.RetryAfter, mse.ShouldRetry);
                case RequestFailedException rfe:
                    var raw = rfe.GetRawResponse();
                    return new(rfe.Status, never, rfe.Status, rfe.ErrorCode,
                        raw is null ? null : RetryAfterReader.Read(raw.Headers, time), raw is null ? null : ServiceErrorReader.ShouldRetry(raw));
                case ClientResultException cre:
                    return new(cre.Status, never, cre.Status, null,
                        cre.GetRawResponse() is { } pr ? RetryAfterReader.GetServerWait(name => pr.Headers.TryGetValue(name, out var v) ? v : null, time) : null);
                case HttpRequestException { StatusCode: { } code }:
                    return new((int)code, never, (int)code, null, null);
            }
        }

        return new(null, never, null, null, null);
    }

    /// <summary>The low-cardinality <c>error.type</c>: the HTTP status when there is one, else the exception's type name.</summary>
    public string ErrorType(Exception exception) =>
        Status is > 0 ? Status.Value.ToString(CultureInfo.InvariantCulture) : exception.GetType().FullName ?? "_OTHER";

    /// <summary>
    /// For an error event inside a 200 stream (<c>data: {"error": …}</c>), the status it names: its own <c>status</c>, a
    /// numeric code, or a rate-limit (429) or overload (503) code or type; <see langword="null"/> for anything else.
    /// </summary>
    private static int? InBandStatus(MaiServiceException e)
    {
        if (e.Status != 200 || e is StreamTruncatedException || e.ErrorCode is "invalid_response")
        {
            return null;
        }

        if (e.ReportedStatus is >= 400 and <= 599)
        {
            return e.ReportedStatus;
        }

        if (int.TryParse(e.ErrorCode, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) && numeric is >= 400 and <= 599)
        {
            return numeric;
        }

        return Named(e.ErrorCode) ?? Named(e.ErrorType);

        static int? Named(string? code) => code is null ? null
            : code.Contains("rate_limit", StringComparison.OrdinalIgnoreCase) || code.Contains("ratelimit", StringComparison.OrdinalIgnoreCase)
                || code.Contains("too_many_requests", StringComparison.OrdinalIgnoreCase) ? 429
            : code.Contains("overloaded", StringComparison.OrdinalIgnoreCase) || code.Contains("server_busy", StringComparison.OrdinalIgnoreCase) ? 503
            : null;
    }
}
