using Mai.Client;
using Mai.Client.Hosting;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="MaiClient"/> and its composed <see cref="IChatClient"/> in an <see cref="IServiceCollection"/>, bound from configuration.</summary>
/// <remarks>
/// <para>
/// The unnamed overloads register a singleton <see cref="MaiClient"/> and <see cref="IChatClient"/>; the named ones register them as
/// keyed singletons under the name (<c>[FromKeyedServices("gpt4o")] MaiClient</c>). Both are one pipeline: the Mai layers, the middleware
/// added to the returned <see cref="ChatClientBuilder"/> around them, and <see cref="MaiClient"/> as a facade over the result
/// (<see cref="MaiClient.ChatClient"/> is the registered <see cref="IChatClient"/>). Options are <see cref="MaiClientOptions"/> named
/// options (the default name for the unnamed client): configuration is bound first, then the <c>configure</c> delegate runs, then
/// <c>services.Configure&lt;MaiClientOptions&gt;(name, …)</c> registrations in order.
/// </para>
/// <para>
/// Taken from the container when the options leave them unset: <see cref="TimeProvider"/>, <c>ILoggerFactory</c>, <c>IMeterFactory</c>,
/// an <c>IHttpClientFactory</c> client named <c>Mai</c> (or the client's name; its 100-second default timeout is made infinite, since
/// <see cref="MaiClientOptions.NetworkTimeout"/> and the resilience deadlines govern), a <c>UsageLedger</c> (else one built over every
/// registered <c>IUsageSink</c>), an <c>IBudgetStore</c>, an <c>IRateLimitStore</c>, and a <c>TokenCredential</c> for deployments without a key. The last four are
/// looked up keyed by the client's name first. Without a key or credential, one <c>DefaultAzureCredential</c> is shared by the client's deployments.
/// </para>
/// <para>
/// Options are validated when the host starts (<c>ValidateOnStart</c>) and when the client is first resolved; a failure is an
/// <see cref="OptionsValidationException"/> whose message names the configuration key (<c>Mai:Fallbacks:0:Endpoint must be an absolute
/// http(s) URI …</c>) and never contains a key or any configured value. A setting that does not bind (a value that does not convert,
/// <c>Budgets:0:MaxTokens=5e0</c>; a misspelt key) is such an error too, never a silent default. Configuration is read once, when the client is first built.
/// </para>
/// </remarks>
/// <example>
/// <code language="json">
/// {
///   "Mai": {
///     "Endpoint": "https://my-resource.services.ai.azure.com/models",
///     "Model": "MAI-Thinking-1",
///     "ApiKey": "(from a secret store; omit for Entra ID)",
///     "Fallbacks": [ { "Endpoint": "https://my-west.services.ai.azure.com/models", "Model": "MAI-Thinking-1" } ],
///     "Resilience": { "MaxRetries": 4, "TotalTimeout": "00:05:00" },
///     "Budgets": [ { "Name": "daily", "Window": "Day", "MaxTokens": 2000000 } ]
///   }
/// }
/// </code>
/// <code language="csharp">
/// builder.Services.AddMaiClient(builder.Configuration.GetSection("Mai"));
/// builder.Services.AddMaiClient("gpt4o", builder.Configuration.GetSection("Clients:Gpt4o")).UseLogging();
/// </code>
/// </example>
public static class MaiServiceCollectionExtensions
{
    /// <summary>Registers the default <see cref="MaiClient"/> and <see cref="IChatClient"/>, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the options (for example <c>Configuration.GetSection("Mai")</c>); keys as in the class
    /// example. A key in the section that matches no setting is a validation error.</param>
    /// <param name="configure">Changes the options after binding; <see langword="null"/> for none.</param>
    /// <returns>A builder for M.E.AI middleware around the Mai pipeline; the registered <see cref="IChatClient"/> and the <see cref="MaiClient"/> facade both go through it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The default <see cref="MaiClient"/> is already registered.</exception>
    public static ChatClientBuilder AddMaiClient(this IServiceCollection services, IConfiguration configuration, Action<MaiClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, null, configuration, configure);
    }

    /// <summary>Registers the default <see cref="MaiClient"/> and <see cref="IChatClient"/>, with options set by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for M.E.AI middleware around the registered <see cref="IChatClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The default <see cref="MaiClient"/> is already registered.</exception>
    public static ChatClientBuilder AddMaiClient(this IServiceCollection services, Action<MaiClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, null, null, configure);
    }

    /// <summary>Registers a <see cref="MaiClient"/> and <see cref="IChatClient"/> keyed by <paramref name="name"/>, with options bound from <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and options name, for example <c>gpt4o</c>.</param>
    /// <param name="configuration">The section holding the options; keys as in the class example.</param>
    /// <param name="configure">Changes the options after binding; <see langword="null"/> for none.</param>
    /// <returns>A builder for M.E.AI middleware around the keyed <see cref="IChatClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">A <see cref="MaiClient"/> with this name is already registered.</exception>
    public static ChatClientBuilder AddMaiClient(this IServiceCollection services, string name, IConfiguration configuration, Action<MaiClientOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return AddCore(services, name, configuration, configure);
    }

    /// <summary>Registers a <see cref="MaiClient"/> and <see cref="IChatClient"/> keyed by <paramref name="name"/>, with options set by <paramref name="configure"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key and options name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>A builder for M.E.AI middleware around the keyed <see cref="IChatClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    /// <exception cref="InvalidOperationException">A <see cref="MaiClient"/> with this name is already registered.</exception>
    public static ChatClientBuilder AddMaiClient(this IServiceCollection services, string name, Action<MaiClientOptions> configure)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(configure);
        return AddCore(services, name, null, configure);
    }

    private static ChatClientBuilder AddCore(IServiceCollection services, string? name, IConfiguration? configuration, Action<MaiClientOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(MaiClient) && Equals(d.ServiceKey, name)))
        {
            throw new InvalidOperationException(
                $"A MaiClient {(name is null ? "without a name" : $"named '{name}'")} is already registered. Call AddMaiClient once per name; " +
                "change its options further with services.Configure<MaiClientOptions>(name, …).");
        }

        var optionsName = name ?? Microsoft.Extensions.Options.Options.DefaultName;
        var keyPrefix = configuration is null ? null : (configuration as IConfigurationSection)?.Path ?? string.Empty;

        var optionsBuilder = services.AddOptions<MaiClientOptions>(optionsName);
        if (configuration is not null)
        {
            services.AddSingleton<IConfigureOptions<MaiClientOptions>>(new MaiConfigurationBinder(optionsName, configuration, keyPrefix!));
        }

        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        Mai.Client.Transport.RedirectGuard.TurnOffRedirects(services, name ?? MaiContainerServices.DefaultHttpClientName); // credentials never follow a redirect
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MaiClientOptions>, MaiContainerServices>());
        services.AddSingleton<IValidateOptions<MaiClientOptions>>(new MaiClientOptionsValidator(optionsName, keyPrefix));
        optionsBuilder.ValidateOnStart();

        // One pipeline per registration: the Mai layers, then the caller's middleware from the returned builder; the MaiClient facade sits on
        // top of that same pipeline, so MaiClient callers and IChatClient consumers go through the same middleware.
        var builder = new ChatClientBuilder(sp => MaiPipeline.Build(ResolveOptions(sp, optionsName).ValidateAndCopy(requireEndpoint: true)));
        MaiClient CreateClient(IServiceProvider sp) => MaiClient.OwningPipeline(builder.Build(sp), ResolveOptions(sp, optionsName).TimeProvider);
        if (name is null)
        {
            services.AddSingleton(CreateClient);
            services.AddSingleton(sp => sp.GetRequiredService<MaiClient>().ChatClient);
        }
        else
        {
            services.AddKeyedSingleton(name, (sp, _) => CreateClient(sp));
            services.AddKeyedSingleton(name, (sp, _) => sp.GetRequiredKeyedService<MaiClient>(name).ChatClient);
        }

        return builder;
    }

    private static MaiClientOptions ResolveOptions(IServiceProvider services, string optionsName) =>
        services.GetRequiredService<IOptionsMonitor<MaiClientOptions>>().Get(optionsName);
}
