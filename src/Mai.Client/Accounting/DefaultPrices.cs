namespace Mai.Client.Accounting;

/// <summary>
/// The prices shipped with the library. Only prices that could be cited are here, each with the date it was read and its source.
/// Azure's own price page renders its figures in the browser, so the sources are public transcriptions of Azure's Standard (Global)
/// pay-as-you-go list prices in USD. No citable Azure price was found for DeepSeek-R1 or MAI-Thinking-1: they ship without a price,
/// so their cost is unknown until the user adds one.
/// Claude on Foundry is billed at Anthropic's standard API prices (Anthropic's Foundry guide says so); those are Anthropic's published
/// rates, with cache writes at the 5-minute rate (1-hour writes cost more and are not told apart in the usage the library reads).
/// </summary>
internal static class DefaultPrices
{
    private const string AzureOpenAiGuide = "https://redresscompliance.com/azure-openai-enterprise-pricing-guide (Azure OpenAI list prices per 1M tokens; official page: https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/)";
    private const string GenAiPricesAzure = "https://github.com/pydantic/genai-prices/blob/main/prices/providers/azure.yml (Azure provider prices; official page: https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/)";

    private const string ClaudeOnFoundry = "https://platform.claude.com/docs/en/about-claude/pricing (Anthropic's per-model prices: base input, 5m cache writes, cache hits, output); https://platform.claude.com/docs/en/build-with-claude/claude-in-microsoft-foundry (Claude in Microsoft Foundry uses Anthropic's standard API pricing)";

    private static readonly DateOnly ReadOn = new(2026, 11, 29);

    private static readonly DateOnly ClaudeReadOn = new(2026, 12, 2);

    public static IReadOnlyDictionary<string, ModelPrice> Create() => new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = new()
        {
            InputPerMillion = 2.50m,
            CachedInputPerMillion = 1.25m,
            OutputPerMillion = 10.00m,
            AsOf = ReadOn,
            Source = AzureOpenAiGuide,
            Aliases = ["gpt-4o-2024-08-06", "gpt-4o-2024-11-20"],
        },
        ["gpt-4o-mini"] = new()
        {
            InputPerMillion = 0.15m,
            CachedInputPerMillion = 0.075m,
            OutputPerMillion = 0.60m,
            AsOf = ReadOn,
            Source = AzureOpenAiGuide,
            Aliases = ["gpt-4o-mini-2024-07-18"],
        },
        ["claude-opus-4-6"] = new()
        {
            InputPerMillion = 5.00m,
            CacheWriteInputPerMillion = 6.25m,
            CachedInputPerMillion = 0.50m,
            OutputPerMillion = 25.00m,
            AsOf = ClaudeReadOn,
            Source = ClaudeOnFoundry,
        },
        ["claude-sonnet-4-6"] = new()
        {
            InputPerMillion = 3.00m,
            CacheWriteInputPerMillion = 3.75m,
            CachedInputPerMillion = 0.30m,
            OutputPerMillion = 15.00m,
            AsOf = ClaudeReadOn,
            Source = ClaudeOnFoundry,
        },
        ["claude-haiku-4-5"] = new()
        {
            InputPerMillion = 1.00m,
            CacheWriteInputPerMillion = 1.25m,
            CachedInputPerMillion = 0.10m,
            OutputPerMillion = 5.00m,
            AsOf = ClaudeReadOn,
            Source = ClaudeOnFoundry,
            Aliases = ["claude-haiku-4-5-20251001"],
        },
        ["o3-mini"] = new()
        {
            InputPerMillion = 1.10m,
            OutputPerMillion = 4.40m,
            AsOf = ReadOn,
            Source = GenAiPricesAzure,
            Aliases = ["o3-mini-2025-01-31"],
        },
    };
}
