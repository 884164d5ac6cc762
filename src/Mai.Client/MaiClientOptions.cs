using System.Diagnostics.Metrics;
using Azure.Core;
using Mai.Client.Accounting;
using Mai.Client.Resilience;
using Microsoft.Extensions.Logging;

namespace Mai.Client;

/// <summary>Configures a <see cref="MaiClient"/>: where to send calls, how to authenticate, and which pipeline layers run.</summary>
/// <remarks>
/// Options are validated when the client is built (<see cref="MaiClient(MaiClientOptions)"/>), with a message naming the property
/// and the bad value, then copied: later changes to this instance do not affect a client already built.
/// </remarks>
public sealed partial class MaiClientOptions
{
    /// <summary>Gets or sets the primary endpoint, for example <c>https://my-resource.services.ai.azure.com/models</c>.</summary>
    /// <value>The default is <see langword="null"/>, which is only valid when the client is built over an existing <see cref="Microsoft.Extensions.AI.IChatClient"/>.</value>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the model (deployment) name sent as <c>model</c> when a call does not name one.</summary>
    /// <value>The default is <see langword="null"/>: the endpoint's own model (serverless endpoints serve one model).</value>
    public string? Model { get; set; }

    /// <summary>Gets or sets the API key for <see cref="Endpoint"/>. It is never logged or shown.</summary>
    /// <value>The default is <see langword="null"/>: <see cref="Credential"/> (Entra ID) is used.</value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the Entra ID credential used when <see cref="ApiKey"/> is not set.</summary>
    /// <value>The default is <see langword="null"/>: <c>DefaultAzureCredential</c> is created when neither a key nor a credential is set.</value>
    public TokenCredential? Credential { get; set; }

    /// <summary>Gets or sets the name the primary deployment is reported under.</summary>
    /// <value>The default is <see langword="null"/>: <c>host/model</c>.</value>
    public string? DeploymentName { get; set; }

    /// <summary>Gets the further deployments tried in order when the primary one is throttled, failing, or its circuit is open.</summary>
    public IList<MaiDeployment> Fallbacks { get; private set; } = [];

    /// <summary>Gets or sets the transport at the bottom of the pipeline.</summary>
    /// <value>The default is <see cref="MaiTransport.AzureInference"/>.</value>
    public MaiTransport Transport { get; set; } = MaiTransport.AzureInference;

    /// <summary>Gets or sets the REST api-version sent to the endpoint.</summary>
    /// <value>The default is <see langword="null"/>: the transport's default (<c>2024-05-01-preview</c> for Azure.AI.Inference; none
    /// for <see cref="MaiTransport.OpenAIV1"/>, whose routes are versionless).</value>
    public string? ApiVersion { get; set; }

    /// <summary>Gets or sets how long one network read may take, including the gap between two stream chunks.</summary>
    /// <value>The default is 10 minutes: reasoning models can be silent for long.</value>
    public TimeSpan NetworkTimeout { get; set; } = MaiClientDefaults.NetworkTimeout;

    /// <summary>Gets or sets whether reasoning is split from the answer (<c>&lt;think&gt;</c> tags and reasoning fields).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool SplitReasoning { get; set; } = true;

    /// <summary>Gets or sets the context window of the primary deployment's model, in tokens; calls whose prompt plus
    /// max output tokens exceed it fail before anything is sent.</summary>
    /// <value>The default is <see langword="null"/>: not checked.</value>
    public int? ContextWindowTokens { get; set; }

    /// <summary>Gets or sets the primary deployment's tokens-per-minute quota, enforced on the client before sending.</summary>
    /// <value>The default is <see langword="null"/>: no client-side TPM limit.</value>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets the primary deployment's requests-per-minute quota, enforced on the client before sending.</summary>
    /// <value>The default is <see langword="null"/>: no client-side RPM limit.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Gets or sets whether the resilience layer (retries, failover, circuit breakers, deadlines) runs.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableResilience { get; set; } = true;

    /// <summary>Gets the resilience settings: retries, waits, timeouts, circuit breakers. The layer runs on this instance's
    /// <see cref="TimeProvider"/> and logs through its <see cref="LoggerFactory"/>.</summary>
    public MaiResilienceOptions Resilience { get; private set; } = new();

    /// <summary>Gets or sets whether each attempt is metered: usage (reported or estimated), cost, ledger records, GenAI metrics.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool EnableMetering { get; set; } = true;

    /// <summary>Gets or sets the price table costs are computed from.</summary>
    /// <value>The default is <see cref="PriceTable.Default"/> (only prices with a cited source; other models have an unknown cost).</value>
    public PriceTable Prices { get; set; } = PriceTable.Default;

    /// <summary>Gets or sets the ledger that receives one record per billed attempt.</summary>
    /// <value>The default is <see langword="null"/>: records are only reported on each <see cref="MaiResult"/>.</value>
    public UsageLedger? Ledger { get; set; }

    /// <summary>Gets the token and cost budgets enforced before each call is sent.</summary>
    public IList<BudgetLimit> Budgets { get; private set; } = [];

    /// <summary>Gets or sets where budget counters live (share one store between clients or instances).</summary>
    /// <value>The default is <see langword="null"/>: an in-memory store owned by the client.</value>
    public IBudgetStore? BudgetStore { get; set; }

    /// <summary>Gets or sets where the deployments' <see cref="TokensPerMinute"/> / <see cref="RequestsPerMinute"/> counts live: share one
    /// store (for example <c>RedisRateLimitStore</c> from Mai.Client.Redis) between instances so they admit calls against each
    /// deployment's one quota.</summary>
    /// <value>The default is <see langword="null"/>: an <see cref="InMemoryRateLimitStore"/> per deployment of this client.</value>
    public IRateLimitStore? RateLimitStore { get; set; }

    /// <summary>Gets or sets whether estimated usage is reported in metrics (the GenAI conventions report only service-reported usage).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ReportEstimatedUsage { get; set; }

    /// <summary>Gets or sets the meter factory the GenAI metrics are created from.</summary>
    /// <value>The default is <see langword="null"/>: a shared meter named <c>Mai.Client</c>.</value>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>Gets or sets the clock used for durations, waits, deadlines, time-to-first-token and a stream's network timeout.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory the pipeline logs through (never prompts, answers or keys).</summary>
    /// <value>The default is <see langword="null"/>: no logging.</value>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Gets or sets the <see cref="HttpClient"/> the transport sends through (for <c>IHttpClientFactory</c> or tests).</summary>
    /// <value>The default is <see langword="null"/>: the transport's own shared client.</value>
    public HttpClient? HttpClient { get; set; }

    /// <summary>Gets the primary deployment described by the top-level properties.</summary>
    internal MaiDeployment PrimaryDeployment => new()
    {
        Name = DeploymentName,
        Endpoint = Endpoint,
        Model = Model,
        ApiKey = ApiKey,
        Credential = Credential,
        ContextWindowTokens = ContextWindowTokens,
        TokensPerMinute = TokensPerMinute,
        RequestsPerMinute = RequestsPerMinute,
    };
}
