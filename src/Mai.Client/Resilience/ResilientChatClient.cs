using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Telemetry;

namespace Mai.Client.Resilience;

/// <summary>
/// Retries transient failures, honours the service's requested waits, breaks circuits and fails over between
/// deployments, under one deadline per call; the only retry layer of the pipeline. The layer owns the attempt loop (one
/// decision per failure, waits on the <see cref="TimeProvider"/>); Polly v8 runs the per-deployment circuit breakers, or the
/// whole loop when <see cref="MaiResilienceOptions.Pipeline"/> is set.
/// </summary>
/// <remarks>
/// <para>
/// Retried: statuses in <see cref="MaiResilienceOptions.RetryableStatusCodes"/>, connection failures
/// (<c>RequestFailedException</c> with status 0, <see cref="HttpRequestException"/> without a status, an
/// <see cref="IOException"/> or socket error inside, a stream that closed without <c>[DONE]</c> before its first update:
/// <see cref="Errors.StreamTruncatedException"/>), this layer's attempt and first-update timeouts, and a
/// <see cref="TimeoutException"/> or <see cref="OperationCanceledException"/> the caller did not cause. Never retried:
/// 400 (context length, content filter, bad parameter), 401, 403, 404, 422 and anything not listed, and cancellation by
/// the caller. How retries and failover combine is described on <see cref="MaiResilienceOptions"/>.
/// </para>
/// <para>
/// A stream is retried or failed over only until its first update reaches the caller; after that a failure, idle
/// timeout included, surfaces as <see cref="StreamInterruptedException"/> with what was received. No text is replayed.
/// </para>
/// <para>
/// Telemetry: each attempt is recorded as a <see cref="MaiAttempt"/> in the call's <see cref="MaiCallContext"/> (when
/// attached; <see cref="MaiResult.Attempts"/> reads it) and, when the call fails, on the exception it ends with
/// (<see cref="MaiExceptionExtensions.GetMaiAttempts"/>, whatever the exception's type). Events are
/// logged through the logger factory given to the constructor (category <c>Mai.Client.Resilience</c>: a failed attempt
/// at Warning or Information, nothing for a healthy call; Polly's own telemetry at Debug); the <c>mai.client.retries</c> counter on the <c>Mai.Client</c> meter counts every attempt after a
/// call's first, tagged <c>mai.deployment</c>, <c>mai.next_deployment</c>, <c>error.type</c>, <c>mai.retry.kind</c>
/// (<c>retry</c> or <c>failover</c>) and <c>http.response.status_code</c>.
/// </para>
/// <para>The client owns its deployments' clients and disposes them. It is thread-safe; circuit breakers are shared by all calls.</para>
/// </remarks>
public sealed partial class ResilientChatClient : DelegatingChatClient
{
    private readonly ResilienceRuntime _rt;

    /// <summary>Initializes a new instance around one unnamed deployment.</summary>
    /// <param name="innerClient">The client below this layer.</param>
    /// <param name="options">The options, validated and copied here; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where retry, failover and circuit events are logged (never prompts, answers or keys); <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock behind every wait, timeout and circuit window; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public ResilientChatClient(IChatClient innerClient, MaiResilienceOptions? options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : base(innerClient)
    {
        _rt = CreateRuntime([(null, innerClient)], options, loggerFactory, timeProvider);
    }

    /// <summary>Initializes a new instance that fails over between named deployments; the first one is the primary.</summary>
    /// <param name="deployments">The deployments, in failover order, with unique non-empty names.</param>
    /// <param name="options">The options, validated and copied here; <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Where retry, failover and circuit events are logged (never prompts, answers or keys); <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock behind every wait, timeout and circuit window; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="deployments"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="deployments"/> is empty, holds a null entry, client or blank or duplicate name, or an option is invalid.</exception>
    public ResilientChatClient(IReadOnlyList<ResilientDeployment> deployments, MaiResilienceOptions? options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : base(CheckDeployments(deployments))
    {
        _rt = CreateRuntime([.. deployments.Select(d => ((string?)d.Name, d.Client))], options, loggerFactory, timeProvider);
    }

    /// <summary>Initializes a layer that only bounds each call in time (total deadline, attempt, first-update and idle timeouts) and
    /// records its one attempt: no retries, failover or circuit breaker. Used when <see cref="MaiClientOptions.EnableResilience"/> is off.</summary>
    private ResilientChatClient(ResilientDeployment deployment, MaiResilienceOptions? options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, bool retries)
        : base(deployment.Client)
    {
        _rt = CreateRuntime([(deployment.Name, deployment.Client)], options, loggerFactory, timeProvider, retries);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var client in _rt.Deployments.Select(d => d.Client).Distinct().Where(c => !ReferenceEquals(c, InnerClient)))
            {
                client.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    /// <inheritdoc />
    /// <exception cref="RetryAfterTooLongException">The service asked for a wait the client may not honour and no deployment was left.</exception>
    /// <exception cref="Polly.Timeout.TimeoutRejectedException">The call ran past <see cref="MaiResilienceOptions.TotalTimeout"/>.</exception>
    /// <exception cref="BrokenCircuitException">Every deployment left to try had its circuit open.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <remarks>Any other exception is the last attempt's own. Every exception carries the call's attempts: <see cref="MaiExceptionExtensions.GetMaiAttempts"/>.</remarks>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = Materialize(messages);
        using var call = new ResilienceCall(_rt, options, cancellationToken);
        try
        {
            return await call.ExecuteAsync(
                static (client, request, token) => client.GetResponseAsync(request.list, request.options, token),
                (list, options),
                isStream: false).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            var failure = call.Fail(exception);
            if (ReferenceEquals(failure, exception))
            {
                throw;
            }

            throw failure;
        }
    }

    private static IReadOnlyList<ChatMessage> Materialize(IEnumerable<ChatMessage> messages) =>
        messages as IReadOnlyList<ChatMessage> ?? [.. messages];

    private static IChatClient CheckDeployments(IReadOnlyList<ResilientDeployment> deployments)
    {
        ArgumentNullException.ThrowIfNull(deployments);
        if (deployments.Count == 0)
        {
            throw new ArgumentException("At least one deployment is required.", nameof(deployments));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < deployments.Count; i++)
        {
            var d = deployments[i] ?? throw new ArgumentException($"deployments[{i}] is null.", nameof(deployments));
            if (string.IsNullOrWhiteSpace(d.Name))
            {
                throw new ArgumentException($"deployments[{i}].Name must not be blank; it was '{d.Name}'.", nameof(deployments));
            }

            if (d.Client is null)
            {
                throw new ArgumentException($"deployments[{i}].Client ('{d.Name}') is null.", nameof(deployments));
            }

            if (!names.Add(d.Name))
            {
                throw new ArgumentException($"deployments[{i}].Name '{d.Name}' is used twice; names must be unique.", nameof(deployments));
            }
        }

        return deployments[0].Client;
    }

    /// <summary>Creates the layer that only bounds each call in time, with no retries, failover or circuit breaker.</summary>
    internal static ResilientChatClient DeadlineOnly(ResilientDeployment deployment, MaiResilienceOptions? options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider) =>
        new(deployment, options, loggerFactory, timeProvider, retries: false);

    private static ResilienceRuntime CreateRuntime(
        (string? Name, IChatClient Client)[] deployments, MaiResilienceOptions? options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, bool retries = true)
    {
        var validated = (options ?? new MaiResilienceOptions()).Validate() with { TimeProvider = timeProvider ?? TimeProvider.System, LoggerFactory = loggerFactory };
        var logger = validated.LoggerFactory?.CreateLogger("Mai.Client.Resilience") ?? NullLogger.Instance;
        var states = deployments.Select(d => new DeploymentState(d.Name, d.Client, retries ? BuildBreaker(validated, d.Name, logger) : null)).ToArray();
        return new ResilienceRuntime(validated, states, logger, retries);
    }

    private static ResiliencePipeline BuildBreaker(ValidatedResilienceOptions o, string? name, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder { Name = "Mai.Client.Resilience.Deployment", InstanceName = name, TimeProvider = o.TimeProvider };
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            Name = "mai-circuit-breaker",
            FailureRatio = o.CircuitBreakerFailureRatio,
            MinimumThroughput = o.CircuitBreakerMinimumThroughput,
            SamplingDuration = o.CircuitBreakerSamplingDuration,
            BreakDuration = o.CircuitBreakerBreakDuration,
            // The attempt classified its failure once and left the verdict in the context: transient failures count.
            ShouldHandle = static args => new(args.Outcome.Exception is not null
                && args.Context.Properties.TryGetValue(ResilienceCall.TransientFailureKey, out var transient) && transient),
            OnOpened = args =>
            {
                ResilienceLog.CircuitOpened(logger, name, args.BreakDuration);
                return default;
            },
            OnHalfOpened = _ =>
            {
                ResilienceLog.CircuitHalfOpened(logger, name);
                return default;
            },
            OnClosed = _ =>
            {
                ResilienceLog.CircuitClosed(logger, name);
                return default;
            },
        });
        ConfigureTelemetry(builder, o);

        return builder.Build();
    }

    /// <summary>Adds Polly's own logs (its routine lines at Debug) and metrics, with results shown by type only: an answer's text never reaches a log.</summary>
    private static void ConfigureTelemetry(ResiliencePipelineBuilder builder, ValidatedResilienceOptions o)
    {
        if (o.LoggerFactory is { } loggerFactory)
        {
            builder.ConfigureTelemetry(new TelemetryOptions
            {
                LoggerFactory = new DebugLevelLoggerFactory(loggerFactory),
                ResultFormatter = static (_, result) => result?.GetType().Name,
            });
        }
    }
}
