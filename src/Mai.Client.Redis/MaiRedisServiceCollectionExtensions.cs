using Mai.Client.Accounting;
using Mai.Client.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts the budgets and the deployments' TPM/RPM admission of every <c>AddMaiClient</c> client in Redis, shared by every instance of the application.</summary>
/// <remarks>
/// <para>Registers a <see cref="RedisRateLimitStore"/> as the <see cref="IRateLimitStore"/> and a <see cref="RedisBudgetStore"/> as the
/// <see cref="IBudgetStore"/> that <c>AddMaiClient</c> takes from the container when the client's options leave them unset; a store
/// already registered is kept. The stores take the container's <see cref="TimeProvider"/> and <see cref="ILoggerFactory"/> unless
/// <c>configure</c> sets them.</para>
/// </remarks>
/// <example>
/// <code language="csharp">
/// builder.Services.AddMaiClient(builder.Configuration.GetSection("Mai"));
/// builder.Services.AddMaiRedis("redis.internal:6379", o => o.KeyPrefix = "{myapp}:");
/// </code>
/// </example>
public static class MaiRedisServiceCollectionExtensions
{
    /// <summary>Registers the Redis stores over their own connections, opened on first use and closed with the container.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connectionString">A StackExchange.Redis configuration string, for example <c>localhost:6379</c>.</param>
    /// <param name="configure">Changes the rate-limit store's settings (its <see cref="RedisRateLimitStoreOptions.KeyPrefix"/> is the
    /// budget store's too); <see langword="null"/> for the defaults.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty or not a valid configuration string.</exception>
    public static IServiceCollection AddMaiRedis(this IServiceCollection services, string connectionString, Action<RedisRateLimitStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _ = ConfigurationOptions.Parse(connectionString); // a bad string fails here, at registration, not at the first call
        services.TryAddSingleton<IRateLimitStore>(sp => new RedisRateLimitStore(connectionString, Options(configure), sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IBudgetStore>(sp => new RedisBudgetStore(connectionString, Options(configure).KeyPrefix, sp.GetService<TimeProvider>()));
        return services;
    }

    /// <summary>Registers the Redis stores over a connection the application owns (for example its registered <see cref="IConnectionMultiplexer"/>).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="connection">Gets the connection from the container; the stores never close it.</param>
    /// <param name="configure">Changes the rate-limit store's settings (its <see cref="RedisRateLimitStoreOptions.KeyPrefix"/> is the
    /// budget store's too); <see langword="null"/> for the defaults.</param>
    /// <returns>The service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="connection"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddMaiRedis(this IServiceCollection services, Func<IServiceProvider, IConnectionMultiplexer> connection, Action<RedisRateLimitStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(connection);
        services.TryAddSingleton<IRateLimitStore>(sp => new RedisRateLimitStore(connection(sp), Options(configure), sp.GetService<TimeProvider>(), sp.GetService<ILoggerFactory>()));
        services.TryAddSingleton<IBudgetStore>(sp => new RedisBudgetStore(connection(sp), Options(configure).KeyPrefix, sp.GetService<TimeProvider>()));
        return services;
    }

    private static RedisRateLimitStoreOptions Options(Action<RedisRateLimitStoreOptions>? configure)
    {
        var options = new RedisRateLimitStoreOptions();
        configure?.Invoke(options);
        return options;
    }
}
