using Mai.Client.Reasoning;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>Composes the pipeline's layers in the order DESIGN.md gives: budgets → resilience → metering → reasoning → transport.</summary>
internal static class MaiPipeline
{
    /// <summary>Builds the transports for the configured deployments and composes the layers over them.</summary>
    public static IChatClient Build(MaiClientOptions options) =>
        throw new NotSupportedException("The transport is not wired yet.");

    /// <summary>Composes the layers over one existing client.</summary>
    public static IChatClient Compose(IChatClient inner, MaiClientOptions options)
    {
        var builder = new ChatClientBuilder(inner);
        if (options.SplitReasoning)
        {
            builder.UseMaiReasoning();
        }

        return builder.Build();
    }
}
