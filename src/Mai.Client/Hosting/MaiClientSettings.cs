using Mai.Client.Accounting;

namespace Mai.Client.Hosting;

/// <summary>The configuration shape of <see cref="MaiClientOptions"/>: what <c>AddMaiClient</c> binds, every value optional.</summary>
/// <remarks>Unset values leave the option's default. The key is never part of <see cref="object.ToString"/>.</remarks>
internal sealed class MaiClientSettings
{
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    public string? DeploymentName { get; set; }

    public MaiTransport? Transport { get; set; }

    public string? ApiVersion { get; set; }

    public TimeSpan? NetworkTimeout { get; set; }

    public bool? SplitReasoning { get; set; }

    public int? ContextWindowTokens { get; set; }

    public int? TokensPerMinute { get; set; }

    public int? RequestsPerMinute { get; set; }

    public bool? EnableResilience { get; set; }

    public bool? EnableMetering { get; set; }

    public bool? ReportEstimatedUsage { get; set; }

    public List<MaiDeploymentSettings> Fallbacks { get; set; } = [];

    public MaiResilienceSettings? Resilience { get; set; }

    public PriceTableOptions? Prices { get; set; }

    public List<BudgetLimit> Budgets { get; set; } = [];
}
