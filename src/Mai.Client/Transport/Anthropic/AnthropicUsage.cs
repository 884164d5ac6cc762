using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Anthropic's <c>usage</c> as read so far, and its mapping to M.E.AI: input = <c>input_tokens</c> + cache reads + cache writes
/// (Anthropic's <c>input_tokens</c> excludes both), cached input = cache reads, cache writes kept as an additional count, output =
/// <c>output_tokens</c> (thinking included), reasoning = <c>output_tokens_details.thinking_tokens</c> only when reported.
/// </summary>
internal sealed class AnthropicUsage
{
    public long? InputTokens { get; set; }

    public long? CacheCreationInputTokens { get; set; }

    public long? CacheReadInputTokens { get; set; }

    public long? OutputTokens { get; set; }

    public long? ThinkingTokens { get; set; }

    public bool HasAny => InputTokens is not null || OutputTokens is not null;

    /// <summary>Reads a <c>usage</c> object; fields present overwrite what was read before (message_delta's are the final figures).</summary>
    public void Read(JsonElement usage)
    {
        if (usage.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        InputTokens = Count(usage, "input_tokens") ?? InputTokens;
        CacheCreationInputTokens = Count(usage, "cache_creation_input_tokens") ?? CacheCreationInputTokens;
        CacheReadInputTokens = Count(usage, "cache_read_input_tokens") ?? CacheReadInputTokens;
        OutputTokens = Count(usage, "output_tokens") ?? OutputTokens;
        if (usage.TryGetProperty("output_tokens_details", out var details) && details.ValueKind == JsonValueKind.Object)
        {
            ThinkingTokens = Count(details, "thinking_tokens") ?? ThinkingTokens;
        }
    }

    public UsageDetails ToUsageDetails()
    {
        var cacheRead = CacheReadInputTokens ?? 0;
        var cacheWrite = CacheCreationInputTokens ?? 0;
        long? input = InputTokens is { } uncached ? uncached + cacheRead + cacheWrite : null;
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = OutputTokens,
            TotalTokenCount = input is null && OutputTokens is null ? null : (input ?? 0) + (OutputTokens ?? 0),
            CachedInputTokenCount = CacheReadInputTokens is null && InputTokens is null ? null : cacheRead,
            ReasoningTokenCount = ThinkingTokens,
        };
        if (CacheCreationInputTokens is not null)
        {
            details.AdditionalCounts = new() { [AnthropicConstants.CacheWriteCountKey] = cacheWrite };
        }

        return details;
    }

    private static long? Count(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;
}
