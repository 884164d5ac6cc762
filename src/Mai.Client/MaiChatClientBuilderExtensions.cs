using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mai.Client;

/// <summary>Composes the Mai layers (reasoning split, and the resilience and accounting layers configured in the options) around any <see cref="IChatClient"/>.</summary>
public static class MaiChatClientBuilderExtensions
{
    /// <summary>Adds the same layers <see cref="MaiClient"/> composes, around the builder's inner client.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Pipeline options (endpoint settings are ignored); validated and copied. <see langword="null"/> uses the defaults.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <remarks>The services the options leave unset come from the service provider the pipeline is built with
    /// (<see cref="ChatClientBuilder.Build(IServiceProvider?)"/>): its <see cref="TimeProvider"/> (when the options keep
    /// <see cref="TimeProvider.System"/>), <see cref="ILoggerFactory"/> and <see cref="IMeterFactory"/>.</remarks>
    public static ChatClientBuilder UseMaiPipeline(this ChatClientBuilder builder, MaiClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var validated = (options ?? new MaiClientOptions()).ValidateAndCopy(requireEndpoint: false, nameof(options));
        return builder.Use((inner, services) => MaiPipeline.Compose(inner, WithServices(validated, services)));
    }

    /// <summary>A copy of <paramref name="options"/> (one per build: the validated instance stays as the caller configured it) with the
    /// services it leaves unset taken from <paramref name="services"/>.</summary>
    private static MaiClientOptions WithServices(MaiClientOptions options, IServiceProvider services)
    {
        var copy = options.ValidateAndCopy(requireEndpoint: false);
        if (copy.TimeProvider == TimeProvider.System && services.GetService<TimeProvider>() is { } time)
        {
            copy.TimeProvider = time;
        }

        copy.LoggerFactory ??= services.GetService<ILoggerFactory>();
        copy.MeterFactory ??= services.GetService<IMeterFactory>();
        return copy;
    }
}
