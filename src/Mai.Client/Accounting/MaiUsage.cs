using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>
/// The token usage of one attempt (or the sum of several), with a flag that tells whether any count was estimated
/// by the client because the service reported none.
/// </summary>
/// <remarks>
/// <para>Reasoning tokens are part of <see cref="OutputTokenCount"/> and cached tokens are part of
/// <see cref="InputTokenCount"/>, exactly as the service reports them: they are never added on top.</para>
/// <para>The metering layer attaches the attempt's <see cref="MaiUsage"/> to the <see cref="ChatResponse"/> it returns and
/// to the final <see cref="ChatResponseUpdate"/> of a stream under <see cref="PropertyKey"/>; read it with
/// <see cref="MaiUsageExtensions.GetMaiUsage(ChatResponse)"/>.</para>
/// <para>A record with init properties, not a positional one, so that it can grow without breaking callers.</para>
/// </remarks>
public sealed record MaiUsage
{
    /// <summary>Initializes a new instance with every count at zero; set the counts with an object initializer.</summary>
    public MaiUsage()
    {
    }

    internal MaiUsage(long inputTokenCount, long outputTokenCount, long reasoningTokenCount, long cachedInputTokenCount, long totalTokenCount, bool isEstimated)
    {
        InputTokenCount = inputTokenCount;
        OutputTokenCount = outputTokenCount;
        ReasoningTokenCount = reasoningTokenCount;
        CachedInputTokenCount = cachedInputTokenCount;
        TotalTokenCount = totalTokenCount;
        IsEstimated = isEstimated;
    }

    /// <summary>Gets the prompt tokens, cached ones included.</summary>
    public long InputTokenCount { get; init; }

    /// <summary>Gets the completion tokens, reasoning ones included.</summary>
    public long OutputTokenCount { get; init; }

    /// <summary>Gets the part of <see cref="OutputTokenCount"/> spent on reasoning.</summary>
    public long ReasoningTokenCount { get; init; }

    /// <summary>Gets the part of <see cref="InputTokenCount"/> served from the prompt cache.</summary>
    public long CachedInputTokenCount { get; init; }

    /// <summary>Gets the total tokens as reported by the service (input + output when it reported none).</summary>
    public long TotalTokenCount { get; init; }

    /// <summary>Gets a value indicating whether at least one of the input or output counts was estimated with the tokenizer.</summary>
    public bool IsEstimated { get; init; }

    /// <summary>The <c>AdditionalProperties</c> key under which the metering layer attaches a <see cref="MaiUsage"/> to responses and updates.</summary>
    public const string PropertyKey = "mai.usage";

    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key of <see cref="CacheWriteInputTokenCount"/> (the Messages API transport reports it).</summary>
    public const string CacheWriteCountKey = "CacheWriteInputTokenCount";

    /// <summary>Gets the part of <see cref="InputTokenCount"/> written to the prompt cache (Claude's <c>cache_creation_input_tokens</c>),
    /// which is priced apart (<see cref="ModelPrice.CacheWriteInputPerMillion"/>).</summary>
    /// <value>The default is 0: the service reported no cache writes.</value>
    public long CacheWriteInputTokenCount { get; init; }

    /// <summary>Gets a usage with every count at zero, not estimated.</summary>
    public static MaiUsage Zero { get; } = new(0, 0, 0, 0, 0, false);

    /// <summary>Converts the usage the service reported into a <see cref="MaiUsage"/> (not estimated).</summary>
    /// <param name="usage">The reported usage.</param>
    /// <returns>The counts, with nulls read as zero and a missing total computed as input + output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    public static MaiUsage FromUsageDetails(UsageDetails usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        var input = usage.InputTokenCount ?? 0;
        var output = usage.OutputTokenCount ?? 0;
        return new MaiUsage(
            input,
            output,
            usage.ReasoningTokenCount ?? 0,
            usage.CachedInputTokenCount ?? 0,
            usage.TotalTokenCount ?? (input + output),
            false)
        {
            CacheWriteInputTokenCount = usage.AdditionalCounts?.TryGetValue(CacheWriteCountKey, out var writes) == true ? writes : 0,
        };
    }

    /// <summary>Converts this usage into the M.E.AI <see cref="UsageDetails"/> shape.</summary>
    /// <returns>A new <see cref="UsageDetails"/> carrying the five counts.</returns>
    public UsageDetails ToUsageDetails() => new()
    {
        InputTokenCount = InputTokenCount,
        OutputTokenCount = OutputTokenCount,
        ReasoningTokenCount = ReasoningTokenCount,
        CachedInputTokenCount = CachedInputTokenCount,
        TotalTokenCount = TotalTokenCount,
        AdditionalCounts = CacheWriteInputTokenCount > 0 ? new() { [CacheWriteCountKey] = CacheWriteInputTokenCount } : null,
    };

    /// <summary>Adds two usages count by count; the sum is estimated when either part is.</summary>
    /// <param name="other">The usage to add.</param>
    /// <returns>The sum.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    public MaiUsage Add(MaiUsage other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new MaiUsage(
            InputTokenCount + other.InputTokenCount,
            OutputTokenCount + other.OutputTokenCount,
            ReasoningTokenCount + other.ReasoningTokenCount,
            CachedInputTokenCount + other.CachedInputTokenCount,
            TotalTokenCount + other.TotalTokenCount,
            IsEstimated || other.IsEstimated)
        {
            CacheWriteInputTokenCount = CacheWriteInputTokenCount + other.CacheWriteInputTokenCount,
        };
    }
}
