using System.Globalization;
using Mai.Client.Resilience;

namespace Mai.Client.Errors;

/// <summary>
/// The service asked the client to wait longer than it may (more than <see cref="MaiResilienceOptions.MaxRetryAfter"/>,
/// or past the call's <see cref="MaiResilienceOptions.TotalTimeout"/>) and no other deployment was left to fail over to.
/// The client did not wait: retry at <see cref="RetryAt"/> or later. The service's exception is the inner exception.
/// </summary>
public sealed class RetryAfterTooLongException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public RetryAfterTooLongException()
        : this("The service asked for a wait longer than the client may honour.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public RetryAfterTooLongException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the service's exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The service's exception.</param>
    public RetryAfterTooLongException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance that says when to retry.</summary>
    /// <param name="retryAfter">The wait the service asked for.</param>
    /// <param name="retryAt">When that wait ends.</param>
    /// <param name="limit">The longest wait the client could honour (the cap, or the time left before the deadline).</param>
    /// <param name="limitName">What <paramref name="limit"/> is: <c>MaxRetryAfter</c> or <c>the time left before TotalTimeout</c>.</param>
    /// <param name="deployment">The deployment that asked, or <see langword="null"/> when unnamed.</param>
    /// <param name="status">The HTTP status of the answer, if any.</param>
    /// <param name="innerException">The service's exception.</param>
    internal RetryAfterTooLongException(TimeSpan retryAfter, DateTimeOffset retryAt, TimeSpan limit, string limitName, string? deployment, int? status, Exception innerException)
        : base(FormatMessage(retryAfter, retryAt, limit, limitName, deployment, status), innerException)
    {
        RetryAfter = retryAfter;
        RetryAt = retryAt;
        Deployment = deployment;
        Status = status;
    }

    /// <summary>Gets the wait the service asked for.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>Gets the time at or after which the service will take the request again (the client's clock when the answer arrived, plus <see cref="RetryAfter"/>).</summary>
    public DateTimeOffset RetryAt { get; }

    /// <summary>Gets the deployment that asked for the wait, or <see langword="null"/> when the pipeline has a single unnamed one.</summary>
    public string? Deployment { get; }

    /// <summary>Gets the HTTP status of the answer that asked for the wait (usually 429 or 503), if any.</summary>
    public int? Status { get; }

    private static string FormatMessage(TimeSpan retryAfter, DateTimeOffset retryAt, TimeSpan limit, string limitName, string? deployment, int? status) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "{0} answered{1} and asked to retry after {2} (at {3:O}), longer than {4} ({5}); the client did not wait. Retry at {3:O} or later.",
            deployment is null ? "The service" : $"Deployment '{deployment}'",
            status is { } s ? $" {s}" : string.Empty,
            Describe(retryAfter),
            retryAt.ToUniversalTime(),
            limitName,
            Describe(limit));

    internal static string Describe(TimeSpan value) => value.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s")
        : string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###} ms");
}
