namespace Mai.Client.Accounting;

/// <summary>Options of a <see cref="MeteringChatClient"/>: prices, ledger, estimator, telemetry and the deployment's limits.</summary>
/// <remarks>Validated and copied when the client is built; later changes to this instance have no effect on it.</remarks>
public sealed class MeteringOptions
{
    /// <summary>Gets or sets the prices used to compute each attempt's cost.</summary>
    /// <value>The default is <see cref="PriceTable.Default"/> (the shipped, cited prices).</value>
    public PriceTable PriceTable { get; set; } = PriceTable.Default;

    /// <summary>Gets or sets the ledger that receives one record per billed attempt.</summary>
    /// <value>The default is <see langword="null"/>: records still reach the call's <see cref="MaiCallContext"/>, metrics and spans.</value>
    public UsageLedger? Ledger { get; set; }

    /// <summary>Gets or sets the estimator used when the service reports no usage, and for the quota and context-window checks.</summary>
    /// <value>The default is <see langword="null"/>, meaning <see cref="TokenEstimator.Default"/> (o200k_base, the emulator's), loaded only
    /// when an estimate is first needed.</value>
    public TokenEstimator? TokenEstimator { get; set; }

    /// <summary>Gets or sets the service endpoint reported as <c>server.address</c> and <c>server.port</c>, overriding the inner client's.</summary>
    /// <value>The default is <see langword="null"/>: the inner client's <see cref="Microsoft.Extensions.AI.ChatClientMetadata.ProviderUri"/>, else the attributes are omitted.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the <c>gen_ai.provider.name</c> reported in telemetry, overriding the inner client's.</summary>
    /// <value>The default is <see langword="null"/>: the inner client's <see cref="Microsoft.Extensions.AI.ChatClientMetadata.ProviderName"/>
    /// (as M.E.AI's <c>OpenTelemetryChatClient</c> reads it), else <c>azure.ai.inference</c>.</value>
    public string? ProviderName { get; set; }

    /// <summary>Gets or sets a value indicating whether estimated usage (and its cost) is reported in metrics and spans, tagged <c>mai.usage.estimated=true</c>.</summary>
    /// <value>The default is <see langword="false"/>: only usage the service reported is reported (the ledger always records estimates, flagged).</value>
    public bool ReportEstimatedUsage { get; set; }

    /// <summary>Gets or sets the model's context window; a request whose estimated prompt plus <c>MaxOutputTokens</c> exceeds it fails before sending.</summary>
    /// <value>The default is <see langword="null"/>: no check.</value>
    public int? ContextWindowTokens { get; set; }

    /// <summary>Gets or sets the deployment's tokens-per-minute quota, enforced client-side over a sliding minute before each attempt.</summary>
    /// <value>The default is <see langword="null"/>: no client-side TPM admission.</value>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets the deployment's requests-per-minute quota, enforced client-side over a sliding minute before each attempt.</summary>
    /// <value>The default is <see langword="null"/>: no client-side RPM admission.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets where the <see cref="TokensPerMinute"/> / <see cref="RequestsPerMinute"/> counts live; share one store (for
    /// example <c>RedisRateLimitStore</c>) between clients or instances so they admit calls against the deployment's one quota.</summary>
    /// <value>The default is <see langword="null"/>: an <see cref="InMemoryRateLimitStore"/> of this client's own.</value>
    public IRateLimitStore? RateLimitStore { get; set; }

    /// <summary>Gets or sets the output tokens counted against the TPM quota when a request sets no <c>MaxOutputTokens</c> (Azure counts max_tokens the same way).</summary>
    /// <value>The default is 4096.</value>
    public int DefaultOutputTokenReservation { get; set; } = AccountingDefaults.OutputTokenReservation;
}
