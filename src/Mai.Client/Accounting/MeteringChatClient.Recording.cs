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
        if (outcome is { } ended)
        {
            usage ??= Resolve(attempt);
            var cost = _prices.ComputeCost(usage, _deployment, _model);
            record = new UsageRecord(_timeProvider.GetUtcNow(), MaiScope.From(attempt.Options), _deployment, _model, usage, cost, _prices.Currency, ended, attempt.ResponseId)
            {
                Status = status,
                ResponseModel = attempt.ResponseModel,
            };
            MaiCallContext.Get(attempt.Options)?.AddUsage(record);
            if (_ledger is not null)
            {
                await _ledger.RecordAsync(record, CancellationToken.None).ConfigureAwait(false);
            }
        }

        Report(attempt, record, elapsed, errorType, error);
        return usage;
    }

    private MaiUsage Resolve(MeteredAttempt attempt)
    {
        var reported = attempt.ReportedUsage;
        if (reported?.InputTokenCount is not null && reported.OutputTokenCount is not null)
        {
            return MaiUsage.FromUsageDetails(reported);
        }

        long input = reported?.InputTokenCount ?? attempt.PromptTokens(_estimator);
        long output;
        long reasoning;
        if (reported?.OutputTokenCount is { } reportedOutput)
        {
            output = reportedOutput;
            reasoning = reported.ReasoningTokenCount ?? 0;
        }
        else
        {
            (output, reasoning) = attempt.Output.Estimate(_estimator);
        }

        return new MaiUsage(input, output, reasoning, reported?.CachedInputTokenCount ?? 0, input + output, IsEstimated: true);
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
            tags.Add(MaiTelemetry.ServerPort, _serverPort);
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

    private void CorrectQuota(AdditionalPropertiesDictionary? properties)
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
            _quota.Correct(tokens, requests);
        }
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
}
