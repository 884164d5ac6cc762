using System.Globalization;
using Azure;
using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Copies the service's remaining-quota headers (<c>x-ratelimit-remaining-tokens</c> / <c>-requests</c>) into
/// <see cref="AdditionalPropertiesDictionary"/> entries the metering layer reads to correct its client-side TPM/RPM quota.
/// </summary>
internal static class RateLimitHeaders
{
    internal const string RemainingTokensHeader = "x-ratelimit-remaining-tokens";
    internal const string RemainingRequestsHeader = "x-ratelimit-remaining-requests";

    /// <summary>Returns <paramref name="properties"/> (created when needed) with the quota values the response carries, if any.</summary>
    public static AdditionalPropertiesDictionary? Copy(Response response, AdditionalPropertiesDictionary? properties)
    {
        properties = Add(response, RemainingTokensHeader, MeteringChatClient.RemainingTokensKey, properties);
        return Add(response, RemainingRequestsHeader, MeteringChatClient.RemainingRequestsKey, properties);
    }

    private static AdditionalPropertiesDictionary? Add(Response response, string header, string key, AdditionalPropertiesDictionary? properties)
    {
        if (response.Headers.TryGetValue(header, out var text) &&
            long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0)
        {
            properties ??= [];
            properties[key] = value;
        }

        return properties;
    }
}
