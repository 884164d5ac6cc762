using Microsoft.Extensions.Logging;

namespace Mai.Client.Resilience;

/// <summary>What every call of one <see cref="ResilientChatClient"/> shares: options, deployments (each with its circuit breaker, built once), logger.</summary>
internal sealed class ResilienceRuntime(ValidatedResilienceOptions options, DeploymentState[] deployments, ILogger logger, bool retries = true)
{
    public ValidatedResilienceOptions Options { get; } = options;

    public DeploymentState[] Deployments { get; } = deployments;

    public ILogger Logger { get; } = logger;

    /// <summary>Gets whether failures are retried and deployments have circuit breakers; <see langword="false"/> when the layer only
    /// bounds the call in time (<see cref="MaiClientOptions.EnableResilience"/> is off): one attempt, its timeouts, its record.</summary>
    public bool Retries { get; } = retries;

    public TimeProvider Time => Options.TimeProvider;

    /// <summary>Gets whether the caller supplied the pipeline (then it, not <see cref="ValidatedResilienceOptions.MaxRetries"/>, bounds the attempts).</summary>
    public bool IsCustomPipeline => Options.Pipeline is not null;
}
