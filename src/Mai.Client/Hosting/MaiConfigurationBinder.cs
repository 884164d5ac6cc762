using System.Reflection;
using Azure.Core;
using Azure.Identity;
using System.Globalization;
using Mai.Client.Accounting;
using Mai.Client.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Mai.Client.Hosting;

/// <summary>Binds one configuration section onto the <see cref="MaiClientOptions"/> of one options name, strictly.</summary>
/// <remarks>
/// <para>
/// The options types are bound directly by the configuration binder with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>, which
/// also makes a value that does not convert inside a collection (<c>Budgets:0:MaxTokens=5e0</c>, <c>Resilience:RetryableStatusCodes:1=5o3</c>,
/// a fallback with one bad field) an error instead of an entry dropped in silence. Every such failure, and every key that matches no
/// setting, is an <see cref="OptionsValidationException"/> naming the configuration key: a setting that does not bind never leaves a silent
/// default (no budget, nothing retried, one fallback fewer).
/// </para>
/// <para>
/// The values that configuration holds in another shape than the options (a managed identity's client id, the price table) are read into
/// <see cref="MaiConfigurationOnlySettings"/>; properties that hold services (<c>Credential</c>, <c>HttpClient</c>, …) cannot be set from
/// configuration. A configuration root (not a section) is the whole application's configuration: only its keys named like a setting are read.
/// Messages never echo a configured value: it may be a key typed into the wrong setting.
/// </para>
/// </remarks>
internal sealed class MaiConfigurationBinder : IConfigureNamedOptions<MaiClientOptions>
{
    private static readonly Action<BinderOptions> Strict = o => o.ErrorOnUnknownConfiguration = true;

    /// <summary>The keys a configuration root may hold for the client: the options' properties and the configuration-only settings.</summary>
    private static readonly HashSet<string> TopLevelKeys = typeof(MaiClientOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => p.Name)
        .Append(MaiConfigurationOnlySettings.ManagedIdentityClientIdKey)
        .ToHashSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Properties of <see cref="MaiClientOptions"/> and <see cref="MaiDeployment"/> that hold services: set in code or taken from the container.</summary>
    private static readonly HashSet<string> CodeOnlyKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        nameof(MaiClientOptions.Credential),
        nameof(MaiClientOptions.Ledger),
        nameof(MaiClientOptions.BudgetStore),
        nameof(MaiClientOptions.RateLimitStore),
        nameof(MaiClientOptions.MeterFactory),
        nameof(MaiClientOptions.TimeProvider),
        nameof(MaiClientOptions.LoggerFactory),
        nameof(MaiClientOptions.HttpClient),
        nameof(MaiResilienceOptions.Pipeline),
    };

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

        var (view, prices, settings) = Split();
        var firstFallback = options.Fallbacks.Count;
        try
        {
            view.Bind(options, Strict);
            if (prices is not null)
            {
                settings.Prices = new PriceTableOptions();
                prices.GetSection(MaiConfigurationOnlySettings.PricesKey).Bind(settings.Prices, Strict);
            }
        }
        catch (InvalidOperationException ex)
        {
            var keys = view.AsEnumerable(makePathsRelative: true).Concat(prices?.AsEnumerable(makePathsRelative: true) ?? []).Select(p => p.Key);
            throw Fail(_messages.FromBinder(ex, keys));
        }

        var fallbackKeys = view.GetSection(nameof(MaiClientOptions.Fallbacks)).GetChildren().Select(c => c.Key).ToList();
        Apply(settings, options, firstFallback, fallbackKeys);
    }

    private static DefaultAzureCredential ManagedIdentity(string clientId) =>
        new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });

    /// <summary>Splits the section into what binds onto the options, the price table section, and the configuration-only settings.</summary>
    private (IConfiguration View, IConfiguration? Prices, MaiConfigurationOnlySettings Settings) Split()
    {
        var isSection = _configuration is IConfigurationSection;
        var settings = new MaiConfigurationOnlySettings();
        var optionPairs = new List<KeyValuePair<string, string?>>();
        var pricePairs = new List<KeyValuePair<string, string?>>();
        var fallbacksWithSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pair in _configuration.AsEnumerable(makePathsRelative: true))
        {
            if (pair.Value is null)
            {
                continue; // a section (its children carry the values) or an explicit null: nothing to bind
            }

            var segments = pair.Key.Split(ConfigurationPath.KeyDelimiter);
            if (!isSection && (!TopLevelKeys.Contains(segments[0]) || CodeOnlyKeys.Contains(segments[0])))
            {
                continue; // the application's other settings
            }

            if (Is(segments[0], MaiConfigurationOnlySettings.PricesKey))
            {
                pricePairs.Add(pair);
            }
            else if (segments.Length == 1 && Is(segments[0], MaiConfigurationOnlySettings.ManagedIdentityClientIdKey))
            {
                settings.ManagedIdentityClientId = RequireText(pair);
            }
            else if (segments is [var fallbacks, var index, var property] && Is(fallbacks, nameof(MaiClientOptions.Fallbacks))
                && Is(property, MaiConfigurationOnlySettings.ManagedIdentityClientIdKey))
            {
                settings.FallbackManagedIdentityClientIds[index] = RequireText(pair);
            }
            else if (segments.Length >= 2 && Is(segments[0], nameof(MaiClientOptions.Resilience)) && Is(segments[1], nameof(MaiResilienceOptions.RetryableStatusCodes)))
            {
                settings.RetryableStatusCodes ??= [];
                if (segments.Length == 3 && int.TryParse(pair.Value, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var status))
                {
                    settings.RetryableStatusCodes.Add(status);
                }
                else if (segments.Length != 2 || pair.Value.Length > 0)
                {
                    // An empty list ("RetryableStatusCodes": []) is an empty set; anything else must be a list of statuses.
                    throw Fail(_messages.NotValid(pair.Key, typeof(int)));
                }
            }
            else if (CodeOnlyKeys.Contains(segments[0])
                || (segments is [var list, _, var setting, ..] && Is(list, nameof(MaiClientOptions.Fallbacks)) && CodeOnlyKeys.Contains(setting))
                || (segments is [var resilience, var service, ..] && Is(resilience, nameof(MaiClientOptions.Resilience)) && CodeOnlyKeys.Contains(service)))
            {
                throw Fail($"{_messages.Key(pair.Key)} cannot be set in configuration: set it in code, or register the service in the container.");
            }
            else
            {
                if (WholeNumberType(segments) is { } wholeNumber && !IsDigits(pair.Value))
                {
                    // The binder's Int32Converter/Int64Converter also take hex ("0x10", "#10"): a whole number in configuration is digits only.
                    throw Fail(_messages.NotValid(pair.Key, wholeNumber));
                }

                if (segments is [var list2, var index2, ..] && Is(list2, nameof(MaiClientOptions.Fallbacks)))
                {
                    fallbacksWithSettings.Add(index2);
                }

                optionPairs.Add(pair);
            }
        }

        // A fallback that only names its identity is still a fallback (its missing endpoint is then reported, not the entry dropped).
        foreach (var index in settings.FallbackManagedIdentityClientIds.Keys.Where(k => !fallbacksWithSettings.Contains(k)))
        {
            optionPairs.Add(new(ConfigurationPath.Combine(nameof(MaiClientOptions.Fallbacks), index), string.Empty));
        }

        var view = new ConfigurationBuilder().AddInMemoryCollection(optionPairs).Build();
        var prices = pricePairs.Count == 0 ? null : new ConfigurationBuilder().AddInMemoryCollection(pricePairs).Build();
        return (view, prices, settings);
    }

    private string RequireText(KeyValuePair<string, string?> pair) =>
        string.IsNullOrWhiteSpace(pair.Value)
            ? throw Fail($"{_messages.Key(pair.Key)} is set but empty; remove it to use the default credential.")
            : pair.Value;

    /// <summary>The integer type of the option a configuration key sets, or null when it sets anything else (or nothing known).</summary>
    private static Type? WholeNumberType(string[] segments)
    {
        Type? type = typeof(MaiClientOptions);
        foreach (var segment in segments)
        {
            type = type is null ? null
                : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? element
                : type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.PropertyType;
        }

        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) ? type : null;
    }

    private static bool IsDigits(string value)
    {
        var digits = value.AsSpan().Trim();
        if (digits is ['-' or '+', .. var rest])
        {
            digits = rest;
        }

        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    private static bool Is(string key, string name) => string.Equals(key, name, StringComparison.OrdinalIgnoreCase);

    private void Apply(MaiConfigurationOnlySettings settings, MaiClientOptions options, int firstFallback, List<string> fallbackKeys)
    {
        TokenCredential? managedIdentity = settings.ManagedIdentityClientId is { } clientId ? ManagedIdentity(clientId) : null;
        if (managedIdentity is not null && options.ApiKey is null)
        {
            options.Credential = managedIdentity;
        }

        for (var i = 0; i < fallbackKeys.Count && firstFallback + i < options.Fallbacks.Count; i++)
        {
            var fallback = options.Fallbacks[firstFallback + i];
            if (fallback is not null && fallback.ApiKey is null)
            {
                fallback.Credential = settings.FallbackManagedIdentityClientIds.TryGetValue(fallbackKeys[i], out var own) ? ManagedIdentity(own) : managedIdentity;
            }
        }

        if (settings.RetryableStatusCodes is { } statuses)
        {
            // A list in configuration replaces the default set (the binder would add to it, or, for a set it cannot replace, ignore it).
            options.Resilience.RetryableStatusCodes.Clear();
            options.Resilience.RetryableStatusCodes.UnionWith(statuses);
        }

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
    }

    private OptionsValidationException Fail(string message)
    {
        var keys = _configuration.GetSection(nameof(MaiClientOptions.Fallbacks)).GetChildren()
            .Select(f => f[nameof(MaiDeployment.ApiKey)])
            .Append(_configuration[nameof(MaiClientOptions.ApiKey)]);
        return new(_name, typeof(MaiClientOptions), [ConfigurationKeyMessages.Redact(message, keys)]);
    }
}
