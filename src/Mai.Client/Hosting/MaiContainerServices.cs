using System.Diagnostics.Metrics;
using Azure.Core;
using Azure.Identity;
using Mai.Client.Accounting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mai.Client.Hosting;

/// <summary>
/// Fills the <see cref="MaiClientOptions"/> left unset with the container's services: clock, logging, metrics, the named
/// <see cref="HttpClient"/>, the usage ledger (or sinks), the budget and rate-limit stores, and the Entra ID credential.
/// </summary>
/// <remarks>Runs after every configure step, so values set by configuration or by the caller's delegate win.</remarks>
internal sealed class MaiContainerServices(IServiceProvider services) : IPostConfigureOptions<MaiClientOptions>
{
    /// <summary>The <see cref="IHttpClientFactory"/> client name of the unnamed <see cref="MaiClient"/>; a named client uses its own name.</summary>
    public const string DefaultHttpClientName = "Mai";

    /// <summary>The <see cref="HttpClient.Timeout"/> every <see cref="HttpClient"/> starts with.</summary>
    private static readonly TimeSpan HttpClientDefaultTimeout = TimeSpan.FromSeconds(100);

    public void PostConfigure(string? name, MaiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = string.IsNullOrEmpty(name) ? null : name;

        if (options.TimeProvider == TimeProvider.System && services.GetService<TimeProvider>() is { } time)
        {
            options.TimeProvider = time;
        }

        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        options.MeterFactory ??= services.GetService<IMeterFactory>();
        options.BudgetStore ??= Resolve<IBudgetStore>(key);
        options.RateLimitStore ??= Resolve<IRateLimitStore>(key);
        options.Ledger ??= Resolve<UsageLedger>(key) ?? LedgerOverSinks();
        options.HttpClient ??= CreateHttpClient(key ?? DefaultHttpClientName);

        TokenCredential? shared = null;
        TokenCredential Shared() => shared ??= Resolve<TokenCredential>(key) ?? new DefaultAzureCredential();
        if (options.ApiKey is null && options.Credential is null)
        {
            options.Credential = Shared();
        }

        foreach (var fallback in options.Fallbacks)
        {
            if (fallback is not null && fallback.ApiKey is null && fallback.Credential is null)
            {
                fallback.Credential = options.ApiKey is null ? options.Credential : Shared();
            }
        }
    }

    private UsageLedger? LedgerOverSinks()
    {
        var sinks = services.GetServices<IUsageSink>().ToList();
        return sinks.Count == 0 ? null : new UsageLedger(sinks, services.GetService<ILogger<UsageLedger>>());
    }

    private HttpClient? CreateHttpClient(string clientName)
    {
        if (services.GetService<IHttpClientFactory>() is not { } factory)
        {
            return null;
        }

        var client = factory.CreateClient(clientName);
        if (client.Timeout == HttpClientDefaultTimeout)
        {
            // The network timeout and the resilience deadlines govern; 100 s would cut long reasoning calls.
            client.Timeout = Timeout.InfiniteTimeSpan;
        }

        return client;
    }

    private T? Resolve<T>(string? key)
        where T : class =>
        (key is not null && services is IKeyedServiceProvider keyed ? keyed.GetKeyedService(typeof(T), key) as T : null) ?? services.GetService<T>();
}
