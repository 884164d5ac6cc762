using Microsoft.Extensions.Logging;

namespace Mai.Client.Resilience;

/// <summary>The resilience layer's log events. They carry deployment names, statuses, reasons and durations; never prompts, answers or keys.</summary>
internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Attempt {Attempt} to deployment {Deployment} failed with {Reason} (status {Status}) after {Duration}; retrying the same deployment (server asked for {ServerWait}).")]
    public static partial void Retrying(ILogger logger, int attempt, string? deployment, string reason, int? status, TimeSpan duration, TimeSpan? serverWait);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Attempt {Attempt} to deployment {Deployment} failed with {Reason} (status {Status}) after {Duration}; failing over to deployment {Next}.")]
    public static partial void FailingOver(ILogger logger, int attempt, string? deployment, string reason, int? status, TimeSpan duration, string? next);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Deployment {Deployment} asked to retry after {RetryAfter}, longer than {LimitName} ({Limit}); not waiting.")]
    public static partial void RetryAfterTooLong(ILogger logger, string? deployment, TimeSpan retryAfter, string limitName, TimeSpan limit);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Attempt {Attempt} to deployment {Deployment} failed with {Reason} (status {Status}) after {Duration}; not retried.")]
    public static partial void NotRetried(ILogger logger, int attempt, string? deployment, string reason, int? status, TimeSpan duration);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Skipping deployment {Deployment}: its circuit is open.")]
    public static partial void CircuitOpenSkipped(ILogger logger, string? deployment);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Skipping deployment {Deployment}: the service asked for no traffic until {Until:O}.")]
    public static partial void ThrottledSkipped(ILogger logger, string? deployment, DateTimeOffset until);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Call succeeded on attempt {Attempt} (deployment {Deployment}).")]
    public static partial void SucceededAfterRetries(ILogger logger, int attempt, string? deployment);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Stream from deployment {Deployment} failed after {UpdateCount} update(s) with {Reason}; not retried because output had reached the caller.")]
    public static partial void StreamInterrupted(ILogger logger, string? deployment, int updateCount, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Circuit of deployment {Deployment} opened for {BreakDuration}.")]
    public static partial void CircuitOpened(ILogger logger, string? deployment, TimeSpan breakDuration);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Circuit of deployment {Deployment} is half-open: one trial attempt is let through.")]
    public static partial void CircuitHalfOpened(ILogger logger, string? deployment);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Circuit of deployment {Deployment} closed.")]
    public static partial void CircuitClosed(ILogger logger, string? deployment);
}
