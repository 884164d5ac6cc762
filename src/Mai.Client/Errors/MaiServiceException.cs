using Azure;
using Azure.Core;

namespace Mai.Client.Errors;

/// <summary>A failure reported by the model service: an HTTP error status, an error event inside a stream, or a response that could not be read.</summary>
/// <remarks>
/// <see cref="RequestFailedException.Status"/> is the HTTP status (200 for an error event inside a stream or an unreadable 200 body),
/// <see cref="RequestFailedException.ErrorCode"/> the service's <c>error.code</c> (or the <c>x-ms-error-code</c> header), and
/// <see cref="RequestFailedException.GetRawResponse"/> the response, whose headers carry <c>retry-after</c> and rate-limit values.
/// <see cref="Exception.Message"/>, <see cref="ServiceMessage"/> and <see cref="Param"/> never contain the client's API key, its bearer tokens or an <c>Authorization</c> value.
/// </remarks>
public class MaiServiceException : RequestFailedException
{
    /// <summary>The <see cref="RequestFailedException.ErrorCode"/> of a connection that failed: a <see cref="MaiServiceException"/> whose
    /// body broke after the status and headers arrived (the status is kept; the inner exception is the network error), or the plain
    /// <see cref="RequestFailedException"/> with status 0 of a request that got no response (refused, reset, DNS, TLS). Retried before
    /// a stream's first update, as a dropped connection is.</summary>
    public const string ConnectionFailureCode = "connection_failure";

    private readonly string _message;

    internal MaiServiceException(Response response, ServiceErrorDetails details, string message, Exception? innerException = null)
        : base(response, innerException, new FixedDetailsParser(details.Code, details.Message))
    {
        _message = message;
        ServiceMessage = details.Message;
        Param = details.Param;
        RequestId = details.RequestId;
        RetryAfter = details.RetryAfter;
        Usage = details.Usage;
        ErrorType = details.Type;
        ReportedStatus = details.Status;
        ShouldRetry = details.ShouldRetry;
    }

    /// <summary>Gets the message: status, error code, the service's message and the request id, with secrets removed.</summary>
    public override string Message => _message;

    /// <summary>Gets the service's own error message (<c>error.message</c>), or <see langword="null"/> when the body had none.</summary>
    public string? ServiceMessage { get; }

    /// <summary>Gets the request parameter the service blamed (<c>error.param</c>, e.g. <c>"prompt"</c> or <c>"max_tokens"</c>), if any.</summary>
    public string? Param { get; }

    /// <summary>Gets the request id to quote to support: <c>x-request-id</c>, else <c>apim-request-id</c>, else <c>x-ms-client-request-id</c>.</summary>
    public string? RequestId { get; }

    /// <summary>Gets the wait the service asked for (<c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c> or <c>Retry-After</c>), if it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Gets the usage the service reported with a response that could not be used (for example a 200 without a usable choice,
    /// or a stream stopped by the content filter), so that it can still be metered; <see langword="null"/> when it reported none.</summary>
    public Microsoft.Extensions.AI.UsageDetails? Usage { get; internal set; }
    /// <summary>Gets the error object's <c>type</c>, if any (read by <see cref="FailureFacts"/>).</summary>
    internal string? ErrorType { get; }

    /// <summary>Gets the status number inside the error object, if any (an error event inside a 200 stream may name one).</summary>
    internal int? ReportedStatus { get; }

    /// <summary>Gets the service's explicit retry verdict (<c>x-should-retry</c>), if it sent one.</summary>
    internal bool? ShouldRetry { get; }

    private sealed class FixedDetailsParser(string? code, string? message) : RequestFailedDetailsParser
    {
        public override bool TryParse(Response response, out ResponseError? error, out IDictionary<string, string>? data)
        {
            error = new ResponseError(code, message);
            data = null;
            return true;
        }
    }
}
