namespace Mai.Client.Accounting;

/// <summary>The documented defaults of the accounting options, in one place.</summary>
internal static class AccountingDefaults
{
    /// <summary>Output tokens reserved for a call that sets no <c>MaxOutputTokens</c>.</summary>
    public const int OutputTokenReservation = 4096;

    /// <summary>Records kept by an in-memory <see cref="UsageLedger"/>.</summary>
    public const int LedgerCapacity = 100_000;

    /// <summary>The <c>gen_ai.provider.name</c> reported in telemetry when neither the options nor the inner client's
    /// <see cref="Microsoft.Extensions.AI.ChatClientMetadata"/> name one: the default transport's.</summary>
    public const string ProviderName = Transport.AzureInferenceConstants.ProviderName;

    /// <summary>The sliding window TPM/RPM quotas are enforced over.</summary>
    public static readonly TimeSpan QuotaWindow = TimeSpan.FromMinutes(1);

    /// <summary>Segments of the quota window (10 s each), matching Azure's 1–10 s RPM evaluation.</summary>
    public const int QuotaSegments = 6;

    /// <summary>The published output ceilings (max completion tokens per answer) by model id prefix.</summary>
    /// <returns>A new, case-insensitive table the caller may change.</returns>
    public static Dictionary<string, int> CreateOutputTokenCeilings() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = 16_384,
        ["gpt-4o-mini"] = 16_384,
        ["gpt-4.1"] = 32_768,
        ["gpt-4"] = 8_192,
        ["gpt-4-32k"] = 32_768,
        ["gpt-4-turbo"] = 4_096,
        ["gpt-35-turbo"] = 4_096,
        ["gpt-5"] = 128_000,
        ["o1"] = 100_000,
        ["o1-mini"] = 65_536,
        ["o3"] = 100_000,
        ["o3-mini"] = 100_000,
        ["o4-mini"] = 100_000,
        ["DeepSeek-R1"] = 32_768,
        ["DeepSeek-V3"] = 8_192,
        ["claude-opus-4"] = 32_000,
        ["claude-sonnet-4"] = 64_000,
        ["claude-3-5-haiku"] = 8_192,
    };
}
