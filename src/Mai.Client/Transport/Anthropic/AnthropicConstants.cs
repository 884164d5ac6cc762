namespace Mai.Client.Transport;

/// <summary>Defaults and fixed values of the Messages API transport.</summary>
internal static class AnthropicConstants
{
    public const string ProviderName = "anthropic.messages";

    /// <summary>The only stable <c>anthropic-version</c>, sent on every request.</summary>
    public const string ApiVersion = "2023-06-01";

    /// <summary>Foundry's Entra ID scope for Claude (the <c>https://ai.azure.com/.default</c> audience).</summary>
    public const string FoundryScope = "https://ai.azure.com/.default";

    public const string MessagesPath = "/v1/messages";

    public static readonly TimeSpan DefaultNetworkTimeout = TransportConstants.DefaultNetworkTimeout;

    /// <summary>The <see cref="Microsoft.Extensions.AI.UsageDetails.AdditionalCounts"/> key of the tokens written to the prompt cache (part of the input count).</summary>
    public const string CacheWriteCountKey = Accounting.MaiUsage.CacheWriteCountKey;

    /// <summary>The <see cref="Microsoft.Extensions.AI.AIContent.AdditionalProperties"/> marker of a <c>redacted_thinking</c> block kept opaque in a <see cref="Microsoft.Extensions.AI.TextReasoningContent"/>.</summary>
    public const string RedactedThinkingKey = "anthropic.redacted_thinking";

    /// <summary>
    /// <c>max_tokens</c> sent when <see cref="Microsoft.Extensions.AI.ChatOptions.MaxOutputTokens"/> is not set (the API requires one).
    /// Deliberately below each model's maximum (Opus 4.6: 128K, Sonnet 4.6 and Haiku 4.5: 64K), so a non-streamed call stays short and
    /// budgets reserve a sane amount; matched by prefix, so dated ids (<c>claude-haiku-4-5-20251001</c>) share the entry.
    /// </summary>
    public static readonly (string Prefix, int MaxTokens)[] DefaultMaxTokens =
    [
        ("claude-opus-4-6", 16_000),
        ("claude-sonnet-4-6", 16_000),
        ("claude-opus-4-5", 16_000),
        ("claude-sonnet-4-5", 16_000),
        ("claude-haiku-4-5", 8_192),
        ("claude-opus-4-1", 8_192),
        ("claude-opus-4", 8_192),
        ("claude-sonnet-4", 8_192),
    ];

    /// <summary>The fallback for a model the table does not know.</summary>
    public const int FallbackMaxTokens = 4_096;

    /// <summary>Thinking budgets for <see cref="Microsoft.Extensions.AI.ReasoningEffort"/>: low, medium, high, extra high.</summary>
    public static int ThinkingBudget(Microsoft.Extensions.AI.ReasoningEffort effort) => effort switch
    {
        Microsoft.Extensions.AI.ReasoningEffort.Low => 1_024,
        Microsoft.Extensions.AI.ReasoningEffort.Medium => 4_096,
        Microsoft.Extensions.AI.ReasoningEffort.High => 10_000,
        _ => 16_000,
    };

    public static int MaxTokensFor(string model)
    {
        foreach (var (prefix, maxTokens) in DefaultMaxTokens)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return maxTokens;
            }
        }

        return FallbackMaxTokens;
    }
}
