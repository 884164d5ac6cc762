using Azure.Core;
using Azure.Identity;
using Mai.Client.Accounting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mai.Client.Hosting;

/// <summary>Binds one configuration section onto the <see cref="MaiClientOptions"/> of one options name.</summary>
/// <remarks>
/// Unknown keys in a section are rejected (a misspelt key would otherwise be ignored in silence); a configuration root is not checked. A value that cannot be bound, or a price table
/// that cannot be built, is reported as an <see cref="OptionsValidationException"/> naming the configuration key; any configured API key
/// is redacted from the message.
/// </remarks>
internal sealed class MaiConfigurationBinder : IConfigureNamedOptions<MaiClientOptions>
{
    private readonly string _name;
    private readonly IConfiguration _configuration;
    private readonly ConfigurationKeyMessages _messages;

    public MaiConfigurationBinder(string name, IConfiguration configuration, string keyPrefix)
    {
        _name = name;
        _configuration = configuration;
        _messages = new ConfigurationKeyMessages(keyPrefix);
    }

    public void Configure(MaiClientOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, MaiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.Equals(name ?? Options.DefaultName, _name, StringComparison.Ordinal))
        {
            return;
        }

        // A configuration root holds the whole application's settings: only a section is checked for misspelt keys.
        if (_configuration is IConfigurationSection && UnknownSettings.Find(_configuration, typeof(MaiClientSettings)) is { } unknown)
        {
            throw Fail($"{unknown} is not a Mai.Client setting; check its spelling.");
        }

        MaiClientSettings settings;
        try
        {
            settings = _configuration.Get<MaiClientSettings>() ?? new MaiClientSettings();
        }
        catch (InvalidOperationException ex)
        {
            throw Fail(_messages.FromBinder(ex));
        }

        Apply(settings, options);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static DefaultAzureCredential ManagedIdentity(string clientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });

    private void Apply(MaiClientSettings settings, MaiClientOptions options)
    {
        options.Endpoint = settings.Endpoint ?? options.Endpoint;
        options.Model = NullIfBlank(settings.Model) ?? options.Model;
        options.ApiKey = settings.ApiKey ?? options.ApiKey;
        options.DeploymentName = NullIfBlank(settings.DeploymentName) ?? options.DeploymentName;
        options.Transport = settings.Transport ?? options.Transport;
        options.ApiVersion = NullIfBlank(settings.ApiVersion) ?? options.ApiVersion;
        options.NetworkTimeout = settings.NetworkTimeout ?? options.NetworkTimeout;
        options.SplitReasoning = settings.SplitReasoning ?? options.SplitReasoning;
        options.ContextWindowTokens = settings.ContextWindowTokens ?? options.ContextWindowTokens;
        options.TokensPerMinute = settings.TokensPerMinute ?? options.TokensPerMinute;
        options.RequestsPerMinute = settings.RequestsPerMinute ?? options.RequestsPerMinute;
        options.EnableResilience = settings.EnableResilience ?? options.EnableResilience;
        options.EnableMetering = settings.EnableMetering ?? options.EnableMetering;
        options.ReportEstimatedUsage = settings.ReportEstimatedUsage ?? options.ReportEstimatedUsage;

        TokenCredential? managedIdentity = NullIfBlank(settings.ManagedIdentityClientId) is { } clientId ? ManagedIdentity(clientId) : null;
        if (managedIdentity is not null && options.ApiKey is null)
        {
            options.Credential = managedIdentity;
        }

        foreach (var fallback in settings.Fallbacks)
        {
            options.Fallbacks.Add(new MaiDeployment
            {
                Name = NullIfBlank(fallback.Name),
                Endpoint = fallback.Endpoint,
                Model = NullIfBlank(fallback.Model),
                ApiKey = fallback.ApiKey,
                Credential = fallback.ApiKey is not null ? null
                    : NullIfBlank(fallback.ManagedIdentityClientId) is { } fallbackClientId ? ManagedIdentity(fallbackClientId) : managedIdentity,
                ContextWindowTokens = fallback.ContextWindowTokens,
                TokensPerMinute = fallback.TokensPerMinute,
                RequestsPerMinute = fallback.RequestsPerMinute,
            });
        }

        settings.Resilience?.ApplyTo(options.Resilience);

        if (settings.Prices is { } prices)
        {
            try
            {
                options.Prices = new PriceTable(prices);
            }
            catch (ArgumentException ex)
            {
                throw Fail(_messages.Translate(ex.Message));
            }
        }

        foreach (var budget in settings.Budgets)
        {
            options.Budgets.Add(budget);
        }
    }

    private OptionsValidationException Fail(string message)
    {
        var keys = _configuration.GetSection(nameof(MaiClientSettings.Fallbacks)).GetChildren().Select(f => f[nameof(MaiDeploymentSettings.ApiKey)]).Append(_configuration[nameof(MaiClientSettings.ApiKey)]);
        return new(_name, typeof(MaiClientOptions), [ConfigurationKeyMessages.Redact(message, keys)]);
    }
}
