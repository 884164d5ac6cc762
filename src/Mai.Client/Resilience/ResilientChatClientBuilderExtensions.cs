using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Resilience;

/// <summary>Adds <see cref="ResilientChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class ResilientChatClientBuilderExtensions
{
    /// <summary>Adds retries, circuit breaking and timeouts around the builder's inner client (one unnamed deployment).</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Changes the options; the logger factory and the clock come from the service provider, when it has them.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMaiResilience(this ChatClientBuilder builder, Action<MaiResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use((inner, services) => new ResilientChatClient(inner, CreateOptions(configure), services.GetService<ILoggerFactory>(), services.GetService<TimeProvider>()));
    }

    /// <summary>Adds retries, circuit breaking, timeouts and failover: the builder's inner client is the primary deployment, <paramref name="fallbacks"/> follow in order.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="primaryName">The name of the primary deployment (the builder's inner client).</param>
    /// <param name="fallbacks">The deployments to fail over to, in order.</param>
    /// <param name="configure">Changes the options, or <see langword="null"/>; the logger factory and the clock come from the service provider, when it has them.</param>
    /// <returns>The <paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="primaryName"/> or <paramref name="fallbacks"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMaiResilienceWithFailover(this ChatClientBuilder builder, string primaryName, IEnumerable<ResilientDeployment> fallbacks, Action<MaiResilienceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(primaryName);
        ArgumentNullException.ThrowIfNull(fallbacks);
        var rest = fallbacks.ToArray();
        return builder.Use((inner, services) => new ResilientChatClient(
            [new ResilientDeployment(primaryName, inner), .. rest], CreateOptions(configure), services.GetService<ILoggerFactory>(), services.GetService<TimeProvider>()));
    }

    private static MaiResilienceOptions CreateOptions(Action<MaiResilienceOptions>? configure)
    {
        var options = new MaiResilienceOptions();
        configure?.Invoke(options);
        return options;
    }
}
