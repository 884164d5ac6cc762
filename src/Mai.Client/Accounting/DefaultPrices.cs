namespace Mai.Client.Accounting;

/// <summary>
/// The prices shipped with the library. Only prices that could be cited are here, each with the date it was read and its source.
/// Azure's own price page renders its figures in the browser, so the sources are public transcriptions of Azure's Standard (Global)
/// pay-as-you-go list prices in USD. No citable Azure price was found for DeepSeek-R1 or MAI-Thinking-1: they ship without a price,
/// so their cost is unknown until the user adds one.
/// </summary>
internal static class DefaultPrices
{
    private const string AzureOpenAiGuide = "https://redresscompliance.com/azure-openai-enterprise-pricing-guide (Azure OpenAI list prices per 1M tokens; official page: https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/)";
    private const string GenAiPricesAzure = "https://github.com/pydantic/genai-prices/blob/main/prices/providers/azure.yml (Azure provider prices; official page: https://azure.microsoft.com/pricing/details/cognitive-services/openai-service/)";

    private static readonly DateOnly ReadOn = new(2026, 11, 29);

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
