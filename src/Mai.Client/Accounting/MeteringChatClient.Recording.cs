using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <content>Turning an ended attempt into usage, cost, a ledger record, metrics and span tags.</content>
public sealed partial class MeteringChatClient
{
    private async ValueTask<MaiUsage?> FinishAsync(MeteredAttempt attempt, Exception? error, bool abandoned)
    {
        attempt.Recorded = true;
        if (attempt.ReportedUsage is null && error is not null && ReportedWith(error) is { } carried)
        {
            attempt.ReportedUsage = carried; // a failure that still carries what the service reported (issue 12, items 3 and 17)
        }

        var elapsed = _timeProvider.GetElapsedTime(attempt.StartTimestamp);
        var status = error is null ? null : AttemptErrors.GetStatus(error);
        var errorType = error is not null ? AttemptErrors.GetErrorType(error, status) : abandoned ? "canceled" : null;

        UsageOutcome? outcome;
        MaiUsage? usage = null;
        if (error is null && !abandoned)
        {
            outcome = UsageOutcome.Succeeded;
        }
        else if (attempt.UpdateCount > 0)
        {
            outcome = abandoned || error is OperationCanceledException ? UsageOutcome.Abandoned : UsageOutcome.Failed;
        }
        else if (status >= 400)
        {
            outcome = UsageOutcome.Rejected;
            usage = MaiUsage.Zero;
        }
        else if (abandoned || AttemptErrors.NeverReachedService(error!))
        {
            outcome = null;
        }
        else
        {
            outcome = UsageOutcome.Failed;
        }

        UsageRecord? record = null;
        var source = UsageSource.Reported;
        if (outcome is { } ended)
        {
            source = usage is null ? UsageSource.Estimated : UsageSource.Reported;
            string? reason = null;
            if (usage is null)
            {
                (usage, source, reason) = Resolve(attempt, ended, error, errorType);
            }

            var cost = _prices.ComputeCost(usage, _deployment, _model);
            record = new UsageRecord(_timeProvider.GetUtcNow(), MaiScope.From(attempt.Options), _deployment, _model, usage, cost, _prices.Currency, ended, attempt.ResponseId)
            {
                Status = status,
                ResponseModel = attempt.ResponseModel,
                Source = source,
                UsageReason = reason,
            };
            MaiCallContext.Get(attempt.Options)?.AddUsage(record);
            if (_ledger is not null)
            {
                await _ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
        }

        await SettleQuotaAsync(attempt, usage, source, error).ConfigureAwait(false);
        Report(attempt, record, elapsed, errorType, error);
        return usage;
    }

    /// <summary>The usage a failure carries: the service's own figures on a <see cref="Errors.MaiServiceException"/> (or one it wraps).</summary>
    private static UsageDetails? ReportedWith(Exception error)
    {
        for (var ex = error; ex is not null; ex = ex.InnerException)
        {
            if (ex is Errors.MaiServiceException { Usage: { } usage })
            {
                return usage;
            }
        }

        return null;
    }

    /// <summary>The attempt's usage: what the service reported when it is valid, else an estimate (marked, with the reason).</summary>
    private (MaiUsage Usage, UsageSource Source, string? Reason) Resolve(MeteredAttempt attempt, UsageOutcome outcome, Exception? error, string? errorType)
    {
        long? input = null, output = null, reasoning = null, cached = null;
        string? reason;
        var source = UsageSource.Estimated;
        if (attempt.ReportedUsage is { } reported)
        {
            (input, output, reasoning, cached, var anomaly) = UsageValidator.Check(reported);
            if (anomaly is null && input is not null && output is not null)
            {
                return (MaiUsage.FromUsageDetails(reported), UsageSource.Reported, null);
            }

            if (anomaly is not null)
            {
                LogInvalidUsage(_logger, _deployment, anomaly);
                reason = $"the service reported invalid usage ({anomaly}); the invalid counts were estimated";
            }
            else
            {
                reason = "the service reported only part of the usage; the missing counts were estimated";
            }
        }
        else if (outcome == UsageOutcome.Succeeded)
        {
            reason = "the service reported no usage; counted with the tokenizer";
        }
        else if (attempt.UpdateCount > 0)
        {
            reason = outcome == UsageOutcome.Abandoned
                ? "the caller stopped the stream before usage arrived; the prompt and the output received were counted"
                : "the stream broke before usage arrived; the prompt and the output received were counted";
        }
        else
        {
            // The service got the request and may have generated an answer the client never saw.
            source = UsageSource.Unknown;
            reason = error is not null && AttemptErrors.ResponseStarted(error)
                ? "connection lost after the response started; output tokens unknown"
                : $"the attempt failed after sending ({errorType}); output tokens unknown";
        }

        var inputCount = input ?? attempt.PromptTokens(_estimator);
        long outputCount;
        long reasoningCount;
        if (output is { } reportedOutput)
        {
            outputCount = reportedOutput;
            reasoningCount = reasoning ?? 0;
        }
        else
        {
            (outputCount, reasoningCount) = attempt.Output.Estimate(_estimator);
        }

        return (new MaiUsage(inputCount, outputCount, reasoningCount, cached ?? 0, inputCount + outputCount, isEstimated: true), source, reason);
    }

    private void Report(MeteredAttempt attempt, UsageRecord? record, TimeSpan elapsed, string? errorType, Exception? error)
    {
        var tags = new TagList
        {
            { MaiTelemetry.OperationName, MaiTelemetry.Chat },
            { MaiTelemetry.ProviderName, _providerName },
            { MaiTelemetry.RequestModel, attempt.Options?.ModelId ?? _model },
            { MaiTelemetry.Deployment, _deployment },
        };
        if (attempt.ResponseModel is not null)
        {
            tags.Add(MaiTelemetry.ResponseModel, attempt.ResponseModel);
        }

        if (_serverAddress is not null)
        {
            tags.Add(MaiTelemetry.ServerAddress, _serverAddress);
            tags.Add(MaiTelemetry.ServerPort, _serverPortTag);
        }

        var durationTags = tags;
        if (errorType is not null)
        {
            durationTags.Add(MaiTelemetry.ErrorType, errorType);
        }

        _telemetry.DurationHistogram.Record(elapsed.TotalSeconds, durationTags);
        if (attempt.Streaming && attempt.TimeToFirstChunk is { } ttfc)
        {
            _telemetry.TimeToFirstChunkHistogram.Record(ttfc.TotalSeconds, tags);
        }

        var reportUsage = record is not null && record.Outcome != UsageOutcome.Rejected && (!record.IsEstimated || _reportEstimated);
        if (reportUsage)
        {
            var usageTags = tags;
            if (record!.IsEstimated)
            {
                usageTags.Add(MaiTelemetry.Estimated, true);
            }

            var input = usageTags;
            input.Add(MaiTelemetry.TokenType, "input");
            _telemetry.TokenUsageHistogram.Record(record.Usage.InputTokenCount, input);
            var output = usageTags;
            output.Add(MaiTelemetry.TokenType, "output");
            _telemetry.TokenUsageHistogram.Record(record.Usage.OutputTokenCount, output);
            if (record.Cost is { } cost && cost > 0)
            {
                var costTags = usageTags;
                costTags.Add(MaiTelemetry.Currency, record.Currency);
                _telemetry.CostCounter.Add((double)cost, costTags);
            }
        }

        var activity = attempt.Activity;
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(MaiTelemetry.ResponseModel, attempt.ResponseModel).SetTag(MaiTelemetry.ResponseId, attempt.ResponseId);
            if (reportUsage)
            {
                activity.SetTag(MaiTelemetry.InputTokens, record!.Usage.InputTokenCount)
                    .SetTag(MaiTelemetry.OutputTokens, record.Usage.OutputTokenCount)
                    .SetTag(MaiTelemetry.CacheReadInputTokens, record.Usage.CachedInputTokenCount)
                    .SetTag(MaiTelemetry.ReasoningOutputTokens, record.Usage.ReasoningTokenCount);
                if (record.IsEstimated)
                {
                    activity.SetTag(MaiTelemetry.Estimated, true);
                }
            }

            if (errorType is not null)
            {
                activity.SetTag(MaiTelemetry.ErrorType, errorType);
                activity.SetStatus(ActivityStatusCode.Error, error?.Message);
            }
        }

        activity.Dispose();
    }

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Deployment {Deployment} reported invalid usage ({Anomaly}); the record is marked estimated.")]
    private static partial void LogInvalidUsage(ILogger logger, string deployment, string anomaly);
}
