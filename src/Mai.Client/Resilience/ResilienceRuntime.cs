using Microsoft.Extensions.Logging;
using Polly;

namespace Mai.Client.Resilience;

/// <summary>What every call of one <see cref="ResilientChatClient"/> shares: options, deployments, retry pipeline, logger.</summary>
internal sealed class ResilienceRuntime(ValidatedResilienceOptions options, DeploymentState[] deployments, ResiliencePipeline retry, ILogger logger)
{
    public ValidatedResilienceOptions Options { get; } = options;

    public DeploymentState[] Deployments { get; } = deployments;

    /// <summary>Gets the pipeline each call runs its attempts through: the caller's, or the built-in retry.</summary>
    public ResiliencePipeline Retry { get; } = retry;

    public ILogger Logger { get; } = logger;

    public TimeProvider Time => Options.TimeProvider;

    /// <summary>Gets whether the caller supplied the pipeline (then it, not <see cref="ValidatedResilienceOptions.MaxRetries"/>, bounds the attempts).</summary>
    public bool IsCustomPipeline => Options.Pipeline is not null;
}
