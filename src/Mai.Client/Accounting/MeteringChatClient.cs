using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mai.Client.Accounting;

/// <summary>
/// Meters every attempt sent to ONE deployment: usage (reported by the service, or estimated with the tokenizer and marked so),
/// cost from the price table, one <see cref="UsageRecord"/> in the ledger and the call's <see cref="MaiCallContext"/>, GenAI
/// metrics and a span. Before sending it also applies the deployment's context-window guard and client-side TPM/RPM quota.
/// </summary>
/// <remarks>
/// <para>Place it right above the transport (and reasoning) of one deployment, below the resilience layer, so it sees each attempt.</para>
/// <para>Billing rules: an attempt that produced output or got a 200 is recorded once (estimated where the service reported no
/// usage: a stream cut mid-way, a stream the caller abandoned); an attempt answered with an HTTP error status (4xx/5xx) is recorded
/// once with zero tokens and outcome <see cref="UsageOutcome.Rejected"/>, because Azure bills no tokens for it; an attempt that never
/// got a response (connection refused: <c>RequestFailedException.Status == 0</c>, <see cref="HttpRequestException"/> without a status,
/// or a cancellation before any output) records nothing.</para>
/// <para>Quota: with <see cref="MeteringOptions.TokensPerMinute"/> or <see cref="MeteringOptions.RequestsPerMinute"/> set, each attempt
/// first takes one request and its reservation (estimated prompt plus <c>MaxOutputTokens</c>, else
/// <see cref="MeteringOptions.DefaultOutputTokenReservation"/>) from <see cref="MeteringOptions.RateLimitStore"/>, and is refused with a
/// <see cref="BudgetExceededException"/> before sending when it does not fit. When the attempt ends the reservation is settled to the
/// usage the service reported, together with the remaining quota the transport copied from <c>x-ratelimit-remaining-*</c> /
/// <c>anthropic-ratelimit-*</c> headers into the response's or an update's <c>AdditionalProperties</c> (under <see cref="RemainingTokensKey"/> /
/// <see cref="RemainingRequestsKey"/>) and a 429's <c>Retry-After</c>.</para>
/// <para>Thread-safe.</para>
/// </remarks>
public sealed partial class MeteringChatClient : DelegatingChatClient
{
    /// <summary>The <c>AdditionalProperties</c> key (on a response or update) where the transport puts <c>x-ratelimit-remaining-tokens</c>.</summary>
    public const string RemainingTokensKey = "mai.ratelimit.remaining_tokens";

    /// <summary>The <c>AdditionalProperties</c> key (on a response or update) where the transport puts <c>x-ratelimit-remaining-requests</c>.</summary>
    public const string RemainingRequestsKey = "mai.ratelimit.remaining_requests";

    private readonly string _deployment;
    private readonly string _model;
    private readonly PriceTable _prices;
    private readonly UsageLedger? _ledger;
    private readonly TokenEstimator _estimator;
    private readonly TimeProvider _timeProvider;
    private readonly string _providerName;
    private readonly string? _serverAddress;
    private readonly int? _serverPort;
    private readonly object? _serverPortTag; // boxed once, not per recorded attempt
    private readonly bool _reportEstimated;
    private readonly int? _contextWindow;
    private readonly int _defaultOutputReservation;
    private readonly DeploymentQuota? _quota;
    private readonly IRateLimitStore? _rateLimits;
    private readonly MaiTelemetry _telemetry;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="MeteringChatClient"/> class.</summary>
    /// <param name="innerClient">The transport (and reasoning) client of the deployment.</param>
    /// <param name="deployment">The deployment name the attempts go to.</param>
    /// <param name="model">The model id the deployment serves (used for prices, the estimator and <c>gen_ai.request.model</c>).</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults.</param>
    /// <param name="meterFactory">Creates the <c>Mai.Client</c> meter; <see langword="null"/> uses a shared static meter.</param>
    /// <param name="loggerFactory">Creates the logger; <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for record timestamps, durations, time to first chunk and quota windows; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="deployment"/> or <paramref name="model"/> is empty, or an option is invalid (the message names it).</exception>
    public MeteringChatClient(
        IChatClient innerClient, string deployment, string model, MeteringOptions? options = null, IMeterFactory? meterFactory = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        options ??= new MeteringOptions();
        Validate(options);
        _deployment = deployment;
        _model = model;
        _prices = options.PriceTable;
        _ledger = options.Ledger;
        _estimator = options.TokenEstimator ?? TokenEstimator.Default;
        _timeProvider = timeProvider ?? TimeProvider.System;

        // As M.E.AI's OpenTelemetryChatClient: the inner client says who it talks to; the options only override.
        var metadata = innerClient.GetService<ChatClientMetadata>();
        _providerName = options.ProviderName ?? metadata?.ProviderName ?? AccountingDefaults.ProviderName;
        var endpoint = options.Endpoint ?? metadata?.ProviderUri;
        _serverAddress = endpoint?.Host;
        _serverPort = endpoint?.Port;
        _serverPortTag = _serverPort;
        _reportEstimated = options.ReportEstimatedUsage;
        _contextWindow = options.ContextWindowTokens;
        _defaultOutputReservation = options.DefaultOutputTokenReservation;
        if (options.TokensPerMinute is not null || options.RequestsPerMinute is not null)
        {
            _quota = new DeploymentQuota(deployment, options.TokensPerMinute, options.RequestsPerMinute);
            _rateLimits = options.RateLimitStore ?? new InMemoryRateLimitStore(_timeProvider);
        }

        _telemetry = new MaiTelemetry(meterFactory, _prices.Currency);
        _logger = loggerFactory?.CreateLogger<MeteringChatClient>() ?? NullLogger<MeteringChatClient>.Instance;
    }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var attempt = Begin(messages, options, streaming: false, cancellationToken);
        if (_quota is not null)
        {
            await AdmitAsync(attempt, cancellationToken).ConfigureAwait(false);
        }

        Start(attempt, streaming: false);
        ChatResponse response;
        try
        {
            response = await base.GetResponseAsync(attempt.Messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await FinishAsync(attempt, ex, abandoned: false).ConfigureAwait(false);
            throw;
        }

        attempt.ResponseId = response.ResponseId;
        attempt.ResponseModel = response.ModelId;
        attempt.ReportedUsage = response.Usage;
        attempt.Output.Add(response.Messages);
        ObserveQuota(attempt, response.AdditionalProperties);
        var usage = await FinishAsync(attempt, null, abandoned: false).ConfigureAwait(false);
        if (usage is not null)
        {
            if (usage.IsEstimated)
            {
                response.Usage = usage.ToUsageDetails();
            }

            response.AdditionalProperties ??= [];
            response.AdditionalProperties[MaiUsage.PropertyKey] = usage;
        }

        return response;
    }

    private Activity? StartActivity(ChatOptions? options, bool streaming)
    {
        if (!MaiTelemetry.ActivitySource.HasListeners())
        {
            return null; // as StartActivity would return, without building the span's name
        }

        var requestModel = options?.ModelId ?? _model;
        var activity = MaiTelemetry.ActivitySource.StartActivity($"{MaiTelemetry.Chat} {requestModel}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(MaiTelemetry.OperationName, MaiTelemetry.Chat)
                .SetTag(MaiTelemetry.ProviderName, _providerName)
                .SetTag(MaiTelemetry.RequestModel, requestModel)
                .SetTag(MaiTelemetry.Deployment, _deployment)
                .SetTag("mai.streaming", streaming);
            if (_serverAddress is not null)
            {
                activity.SetTag(MaiTelemetry.ServerAddress, _serverAddress).SetTag(MaiTelemetry.ServerPort, _serverPort);
            }
        }

        return activity;
    }
}
