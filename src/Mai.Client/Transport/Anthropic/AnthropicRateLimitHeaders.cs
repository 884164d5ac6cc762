using System.Globalization;
using Azure;
using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Feeds <c>anthropic-ratelimit-*-remaining</c> to the same admission entries as <c>x-ratelimit-remaining-*</c>: remaining requests,
/// and remaining tokens (the tightest of the <c>tokens</c>, <c>input-tokens</c> and <c>output-tokens</c> buckets present).
/// </summary>
internal static class AnthropicRateLimitHeaders
{
    public static AdditionalPropertiesDictionary? Copy(Response response, AdditionalPropertiesDictionary? properties)
    {
        properties = RateLimitHeaders.Copy(response, properties);
        long? tokens = null;
        foreach (var header in (string[])["anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-output-tokens-remaining"])
        {
            if (Read(response, header) is { } value)
            {
                tokens = Math.Min(tokens ?? long.MaxValue, value);
            }
        }

        if (tokens is { } t)
        {
            properties ??= [];
            properties[MeteringChatClient.RemainingTokensKey] = t;
        }

        if (Read(response, "anthropic-ratelimit-requests-remaining") is { } requests)
        {
            properties ??= [];
            properties[MeteringChatClient.RemainingRequestsKey] = requests;
        }

        return properties;
    }

    private static long? Read(Response response, string header) =>
        response.Headers.TryGetValue(header, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : null;
}
