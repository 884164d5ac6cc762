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

        _quota?.Admit(attempt.PromptTokens(_estimator, cancellationToken) + (options?.MaxOutputTokens ?? _defaultOutputReservation));
        attempt.Activity = StartActivity(options, streaming);
        attempt.StartTimestamp = _timeProvider.GetTimestamp();
        return attempt;
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
