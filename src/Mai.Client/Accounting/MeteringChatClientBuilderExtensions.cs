using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <summary>Adds a <see cref="MeteringChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class MeteringChatClientBuilderExtensions
{
    /// <summary>Meters every attempt sent to one deployment (usage, cost, ledger record, GenAI metrics); place it right above that deployment's transport.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="deployment">The deployment name the attempts go to.</param>
    /// <param name="model">The model id the deployment serves.</param>
    /// <param name="configure">Configures the options; <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <remarks>An <see cref="IMeterFactory"/> and <see cref="ILoggerFactory"/> are taken from the builder's service provider when registered.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="deployment"/> or <paramref name="model"/> is empty.</exception>
    public static ChatClientBuilder UseMaiMetering(this ChatClientBuilder builder, string deployment, string model, Action<MeteringOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        return builder.Use((inner, services) =>
        {
            var options = new MeteringOptions();
            configure?.Invoke(options);
            return new MeteringChatClient(inner, deployment, model, options, services.GetService<IMeterFactory>(), services.GetService<ILoggerFactory>(), services.GetService<TimeProvider>());
        });
    }
}
