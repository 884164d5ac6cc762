using System.Globalization;
using System.Text.Json;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <content>Admission of one attempt before it is sent: the deployment's context-window guard and client-side TPM/RPM quota.</content>
public sealed partial class MeteringChatClient
{
    private MeteredAttempt Begin(IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming, CancellationToken cancellationToken)
    {
        var list = messages as IReadOnlyList<ChatMessage> ?? [.. messages];
        var attempt = new MeteredAttempt(list, options, streaming);
        if (_contextWindow is { } window)
        {
            var prompt = attempt.PromptTokens(_estimator, cancellationToken);
            var maxOutput = options?.MaxOutputTokens ?? 0;
            if ((long)prompt + maxOutput > window)
            {
                throw new ContextWindowExceededException(_model, window, prompt, maxOutput);
            }
        }

        return attempt;
    }

    private void Start(MeteredAttempt attempt, bool streaming)
    {
        attempt.Activity = StartActivity(attempt.Options, streaming);
        attempt.StartTimestamp = _timeProvider.GetTimestamp();
    }

    /// <summary>Takes the attempt's request and reservation from the deployment's quota, or refuses it before anything is sent.</summary>
    private async ValueTask AdmitAsync(MeteredAttempt attempt, CancellationToken cancellationToken)
    {
        var tokens = attempt.PromptTokens(_estimator, cancellationToken) + (attempt.Options?.MaxOutputTokens ?? _defaultOutputReservation);
        var lease = await _rateLimits!.TryAcquireAsync(_quota!, tokens, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw Refusal(lease);
        }

        attempt.Lease = lease;
    }

    /// <summary>Settles the attempt's reservation: to the reported usage, with the remaining quota and the 429 wait the service gave.</summary>
    private ValueTask SettleQuotaAsync(MeteredAttempt attempt, MaiUsage? usage, UsageSource source, Exception? error)
    {
        if (!attempt.Lease.IsAcquired)
        {
            return ValueTask.CompletedTask;
        }

        long? used = usage is not null && source == UsageSource.Reported ? usage.InputTokenCount + usage.OutputTokenCount : null;
        TimeSpan? wait = error is MaiServiceException { Status: 429, RetryAfter: { } retryAfter } ? retryAfter : null;
        if (wait is not null)
        {
            LogServiceWait(_logger, _deployment, wait.Value);
        }

        return _rateLimits!.SettleAsync(attempt.Lease, new RateLimitSettlement(used, attempt.RemainingTokens, attempt.RemainingRequests, wait), CancellationToken.None);
    }

    private void ObserveQuota(MeteredAttempt attempt, AdditionalPropertiesDictionary? properties)
    {
        if (_quota is null || properties is null)
        {
            return;
        }

        var tokens = ReadLong(properties, RemainingTokensKey);
        var requests = ReadLong(properties, RemainingRequestsKey);
        if (tokens is not null || requests is not null)
        {
            LogQuotaCorrected(_logger, _deployment, tokens, requests);
            attempt.RemainingTokens = tokens ?? attempt.RemainingTokens;
            attempt.RemainingRequests = requests ?? attempt.RemainingRequests;
        }
    }

    private BudgetExceededException Refusal(RateLimitLease lease)
    {
        if (lease.Refusal == RateLimitRefusal.ServiceWait)
        {
            return new BudgetExceededException(
                $"deployment '{_deployment}'",
                string.Create(CultureInfo.InvariantCulture, $"no request before {lease.RetryAt:O} (the service answered 429 with Retry-After)"),
                0,
                0,
                1,
                "requests",
                string.Empty,
                lease.RetryAt);
        }

        var unit = lease.Refusal == RateLimitRefusal.Requests ? "requests" : "tokens";
        return new BudgetExceededException(
            $"deployment '{_deployment}'",
            string.Create(CultureInfo.InvariantCulture, $"{lease.Limit} {unit} per minute (client-side quota)"),
            lease.Limit,
            lease.Remaining,
            lease.Refusal == RateLimitRefusal.Requests ? 1 : lease.Tokens,
            unit,
            string.Empty,
            lease.RetryAt);
    }

    private static long? ReadLong(AdditionalPropertiesDictionary properties, string key) =>
        properties.TryGetValue(key, out var value) ? value switch
        {
            long l => l,
            int i => i,
            string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
            JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
            JsonElement { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
            _ => null,
        }
        : null;

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "Deployment {Deployment} reported remaining tokens {Tokens} and requests {Requests}; client-side quota corrected.")]
    private static partial void LogQuotaCorrected(ILogger logger, string deployment, long? tokens, long? requests);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug, Message = "Deployment {Deployment} answered 429 asking to wait {Wait}; the rate-limit store is told.")]
    private static partial void LogServiceWait(ILogger logger, string deployment, TimeSpan wait);
}
