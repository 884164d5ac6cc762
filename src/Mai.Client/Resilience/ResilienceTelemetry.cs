using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mai.Client.Resilience;

/// <summary>The resilience layer's metrics: the <c>mai.client.retries</c> counter on the <c>Mai.Client</c> meter.</summary>
internal static class ResilienceTelemetry
{
    public const string MeterName = "Mai.Client";
    public const string RetriesCounterName = "mai.client.retries";

    private static readonly Meter s_meter = new(MeterName);

    /// <summary>Counts attempts after the first one of a call: each retry or failover, tagged with what failed before it.</summary>
    private static readonly Counter<long> s_retries = s_meter.CreateCounter<long>(
        RetriesCounterName,
        unit: "{retry}",
        description: "Attempts made after the first one of a call (retries and failovers), tagged with the failure that caused them.");

    public static void RecordRetry(string? failedDeployment, string? nextDeployment, string reason, int? status)
    {
        if (!s_retries.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "mai.deployment", failedDeployment },
            { "mai.next_deployment", nextDeployment },
            { "error.type", reason },
            { "mai.retry.kind", string.Equals(failedDeployment, nextDeployment, StringComparison.Ordinal) ? "retry" : "failover" },
        };
        if (status is { } s)
        {
            tags.Add("http.response.status_code", s);
        }

        s_retries.Add(1, tags);
    }
}
