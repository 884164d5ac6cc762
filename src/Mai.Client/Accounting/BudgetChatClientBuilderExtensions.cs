using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Accounting;

/// <summary>Adds a <see cref="BudgetChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class BudgetChatClientBuilderExtensions
{
    /// <summary>Admits each call against token and cost budgets before sending and settles to real usage after; place it at the top of the pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures the limits and reservation options.</param>
    /// <returns>The builder.</returns>
    /// <remarks>An <see cref="ILoggerFactory"/> and a <see cref="TimeProvider"/> are taken from the builder's service provider when registered.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMaiBudgets(this ChatClientBuilder builder, Action<BudgetOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use((inner, services) =>
        {
            var options = new BudgetOptions();
            configure(options);
            return new BudgetChatClient(inner, options, services.GetService<ILoggerFactory>(), services.GetService<TimeProvider>());
        });
    }
}
