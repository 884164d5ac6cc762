using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Reads the <see cref="MaiUsage"/> the metering layer attached to a response, an update or a usage content.</summary>
public static class MaiUsageExtensions
{
    /// <summary>Gets the usage the metering layer attached to <paramref name="response"/> (also after <c>ToChatResponse()</c> on a stream).</summary>
    /// <param name="response">The response.</param>
    /// <returns>The attached usage, or <see langword="null"/> when no metering layer saw the call.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static MaiUsage? GetMaiUsage(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return Read(response.AdditionalProperties) ?? response.Messages.Select(m => Read(m.AdditionalProperties)).LastOrDefault(u => u is not null);
    }

    /// <summary>Gets the usage the metering layer attached to the final update of a stream.</summary>
    /// <param name="update">The update.</param>
    /// <returns>The attached usage, or <see langword="null"/> when this update carries none.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="update"/> is <see langword="null"/>.</exception>
    public static MaiUsage? GetMaiUsage(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Read(update.AdditionalProperties);
    }

    /// <summary>Gets the usage the metering layer attached to an estimated <see cref="UsageContent"/>.</summary>
    /// <param name="content">The usage content.</param>
    /// <returns>The attached usage, or <see langword="null"/> when the content came straight from the service.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static MaiUsage? GetMaiUsage(this UsageContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Read(content.AdditionalProperties);
    }

    /// <summary>Tells whether the usage on <paramref name="response"/> was estimated by the client rather than reported by the service.</summary>
    /// <param name="response">The response.</param>
    /// <returns><see langword="true"/> only when the metering layer estimated at least one count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="response"/> is <see langword="null"/>.</exception>
    public static bool IsUsageEstimated(this ChatResponse response) => response.GetMaiUsage()?.IsEstimated ?? false;

    /// <summary>Tells whether <paramref name="content"/> holds client-side estimated counts rather than counts the service reported.</summary>
    /// <param name="content">The usage content.</param>
    /// <returns><see langword="true"/> only when the metering layer produced this content from an estimate.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static bool IsEstimated(this UsageContent content) => content.GetMaiUsage()?.IsEstimated ?? false;

    private static MaiUsage? Read(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(MaiUsage.PropertyKey, out var value) ? value as MaiUsage : null;
}
