using Azure.Identity;
using Mai.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Mai.Client.Accounting;
using Mai.Console.Commands;
using Mai.Console.Usage;
using Mai.Emulator;

namespace Mai.Console.Infrastructure;

/// <summary>
/// The one place the console resolves its configuration: which endpoint and key each model uses (flags, then environment
/// variables, then the embedded emulator), the pipeline flags, and the usage database every call is recorded in.
/// </summary>
/// <remarks>
/// <para>Per model NAME: <c>--model-endpoint NAME=URL</c> / <c>--model-key NAME=KEY</c>, else <c>MAI_MODELS__NAME__ENDPOINT</c> /
/// <c>MAI_MODELS__NAME__KEY</c> (NAME as typed, or with every character other than a letter or digit replaced by <c>_</c>),
/// else the shared <c>--endpoint</c>/<c>AZURE_AI_CHAT_ENDPOINT</c> and <c>--key</c>/<c>AZURE_AI_CHAT_KEY</c>, else the emulator.
/// A model with its own endpoint never gets the shared key (it would leak to another host): its own key, else Entra ID.</para>
/// <para>Usage database: <c>--db PATH</c>, else <c>MAI_USAGE_DB</c>, else <see cref="CliEnvironment.DataDirectory"/>/usage.db; <c>none</c> turns recording off.</para>
/// </remarks>
internal sealed class ClientFactory(CliEnvironment environment, string command = "ask") : IAsyncDisposable
{
    public const string EndpointVariable = "AZURE_AI_CHAT_ENDPOINT";
    public const string KeyVariable = "AZURE_AI_CHAT_KEY";
    public const string ModelVariable = "AZURE_AI_CHAT_MODEL";
    public const string ModelsVariablePrefix = "MAI_MODELS__";
    public const string UsageDatabaseVariable = "MAI_USAGE_DB";
    public const string EmulatedModel = "MAI-Thinking-1";

    /// <summary>The configuration section every client is bound from (appsettings.json, user secrets, <c>Mai__…</c> variables).</summary>
    public const string ConfigurationSection = "Mai";

    private readonly List<ServiceProvider> _providers = [];

    private readonly SemaphoreSlim _emulatorGate = new(1, 1);
    private MaiEmulator? _emulator;
    private SqliteUsageSink? _sink;
    private bool _sinkResolved;

    /// <summary>Gets whether a client of this factory runs on the embedded emulator.</summary>
    public bool IsEmulated => _emulator is not null;

    /// <summary>Gets the command name recorded with each call in the usage database.</summary>
    public string Command => command;

    public Task<MaiClient> CreateAsync(ConnectionSettings settings, CancellationToken cancellationToken) =>
        CreateAsync(settings, model: null, configure: null, cancellationToken);

    /// <summary>Builds a client for <paramref name="model"/> (or the configured default model) with its own endpoint and key.</summary>
    public async Task<MaiClient> CreateAsync(ConnectionSettings settings, string? model, Action<MaiClientOptions>? configure, CancellationToken cancellationToken)
    {
        var connection = await ConnectAsync(settings, model, cancellationToken).ConfigureAwait(false);
        return CreateClient(settings, connection, configure);
    }

    /// <summary>Gets the model name in force when no model is named: <c>--model</c>, else <c>AZURE_AI_CHAT_MODEL</c>.</summary>
    public string? DefaultModel(ConnectionSettings settings) =>
        Blank(settings.Model) ?? Blank(environment.GetEnvironmentVariable(ModelVariable)) ?? Blank(environment.Configuration[$"{ConfigurationSection}:Model"]);

    /// <summary>Resolves where <paramref name="model"/>'s calls go without starting anything (no emulator, no network).</summary>
    public ModelConnection Resolve(ConnectionSettings settings, string? model)
    {
        model = Blank(model) ?? DefaultModel(settings);
        var defaultEndpoint = Blank(settings.Endpoint) is { } flag ? (flag, "--endpoint")
            : Blank(environment.GetEnvironmentVariable(EndpointVariable)) is { } env ? (env, EndpointVariable)
            : Blank(environment.Configuration[$"{ConfigurationSection}:Endpoint"]) is { } configured ? (configured, $"configuration {ConfigurationSection}:Endpoint")
            : default;
        var defaultKey = Blank(settings.Key) is { } keyFlag ? (keyFlag, "--key")
            : Blank(environment.GetEnvironmentVariable(KeyVariable)) is { } keyEnv ? (keyEnv, KeyVariable)
            : Blank(environment.Configuration[$"{ConfigurationSection}:ApiKey"]) is { } keyConfigured ? (keyConfigured, $"configuration {ConfigurationSection}:ApiKey")
            : default;

        var ownEndpoint = model is null ? default : PerModel(settings.ModelEndpoints, "--model-endpoint", model, "ENDPOINT");
        var ownKey = model is null ? default : PerModel(settings.ModelKeys, "--model-key", model, "KEY");

        if (ownEndpoint.Value is not null)
        {
            return Checked(new ModelConnection
            {
                Model = model,
                Endpoint = ParseEndpoint(ownEndpoint.Value, ownEndpoint.Source),
                ApiKey = ownKey.Value,
                EndpointSource = ownEndpoint.Source,
                AuthKind = ownKey.Value is null ? "Entra ID (DefaultAzureCredential)" : $"api-key from {ownKey.Source}",
            });
        }

        if (defaultEndpoint.Item1 is not null)
        {
            var key = ownKey.Value is not null ? ownKey : (defaultKey.Item1, defaultKey.Item2);
            return Checked(new ModelConnection
            {
                Model = model,
                Endpoint = ParseEndpoint(defaultEndpoint.Item1, defaultEndpoint.Item2),
                ApiKey = key.Item1,
                EndpointSource = defaultEndpoint.Item2,
                AuthKind = key.Item1 is null ? "Entra ID (DefaultAzureCredential)" : $"api-key from {key.Item2}",
            });
        }

        // A key without an endpoint means a real endpoint was meant: never send it to the emulator and pretend it worked.
        if ((ownKey.Value is not null ? ownKey.Source : defaultKey.Item2) is { Length: > 0 } keySource)
        {
            throw new ArgumentException(
                $"a key is set ({keySource}) but no endpoint: set --endpoint or {EndpointVariable} to the resource the key belongs to" +
                (model is null ? string.Empty : $" (or --model-endpoint {model}=URL)") + ". Without an endpoint mai uses the embedded emulator, which needs no key.");
        }

        return new ModelConnection
        {
            Model = model ?? EmulatedModel,
            EndpointSource = "the embedded emulator: no endpoint is configured",
            AuthKind = "api-key (the emulator's own)",
            IsEmulated = true,
        };
    }

    /// <summary>Resolves <paramref name="model"/> and, when it is emulated, starts the embedded emulator (once per factory).</summary>
    public async Task<ModelConnection> ConnectAsync(ConnectionSettings settings, string? model, CancellationToken cancellationToken)
    {
        var connection = Resolve(settings, model);
        if (!connection.IsEmulated)
        {
            return connection;
        }

        if (!environment.EmulatorModels.Any(m => m.Name.Equals(connection.Model, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException(UnservedModel(connection.Model!));
        }

        var emulator = await StartEmulatorAsync(connection.Model!, cancellationToken).ConfigureAwait(false);
        return new ModelConnection
        {
            Model = connection.Model,
            Endpoint = emulator.Endpoint,
            ApiKey = emulator.ApiKey,
            EndpointSource = connection.EndpointSource,
            AuthKind = connection.AuthKind,
            IsEmulated = true,
        };
    }

    /// <summary>Builds a client for a connection, with the pipeline flags and the usage ledger applied.</summary>
    /// <remarks>The <c>Mai</c> configuration section is bound first (through <c>AddMaiClient</c>, which validates it and names
    /// the bad key); the resolved connection and the flags are applied over it.</remarks>
    public MaiClient CreateClient(ConnectionSettings settings, ModelConnection connection, Action<MaiClientOptions>? configure = null)
    {
        var endpoint = connection.Endpoint ?? throw new InvalidOperationException("Connect the emulated model before creating its client.");
        var sink = UsageSink(settings.Database);
        var services = new ServiceCollection();
        services.AddSingleton(environment.TimeProvider);
        services.AddMaiClient(environment.Configuration.GetSection(ConfigurationSection), options =>
        {
            options.TimeProvider = environment.TimeProvider;
            if (settings.Transport is { } transport)
            {
                options.Transport = ClientFactoryTransports.Parse(transport)!.Value;
            }

            options.Endpoint = connection.IsEmulated ? ClientFactoryTransports.EmulatorEndpoint(endpoint, options.Transport, connection.Model) : ClientFactoryTransports.RemoteEndpoint(endpoint, connection.Model);
            options.Model = connection.Model;
            options.ApiVersion = settings.ApiVersion ?? options.ApiVersion;
            if (connection.ApiKey is not null)
            {
                options.ApiKey = connection.ApiKey;
                options.Credential = null;
            }
            else
            {
                options.ApiKey = null;
                options.Credential ??= new DefaultAzureCredential();
            }

            if (connection.IsEmulated)
            {
                // The embedded emulator serves its own models: fallbacks from the configuration point elsewhere.
                options.Fallbacks.Clear();
            }

            if (sink is not null)
            {
                // A Mai.Emulator started on its own (any endpoint on loopback) costs nothing real: recorded as emulated.
                options.Ledger = new UsageLedger([connection.IsEmulated || connection.IsLocal ? sink.ForEmulated() : sink]);
            }

            ApplyPipelineSettings(settings, options);
            configure?.Invoke(options);
        });
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<MaiClient>();
    }

    /// <summary>Gets the transport calls use and where that came from: <c>--transport</c>, else <c>Mai:Transport</c>, else the default.</summary>
    public string TransportDescription(ConnectionSettings settings)
    {
        if (settings.Transport is { } flag && ClientFactoryTransports.Parse(flag) is { } fromFlag)
        {
            return $"{fromFlag} (from --transport)";
        }

        return Blank(environment.Configuration[$"{ConfigurationSection}:Transport"]) is { } configured
            ? $"{configured} (from configuration {ConfigurationSection}:Transport)"
            : $"{MaiTransport.AzureInference} (default; --transport openai-v1 for the OpenAI SDK)";
    }

    /// <summary>Resolves the usage database path: <c>--db</c>, <c>MAI_USAGE_DB</c>, then the data directory; <see langword="null"/> for none.</summary>
    public string? UsageDatabasePath(string? flag)
    {
        var path = Blank(flag) ?? Blank(environment.GetEnvironmentVariable(UsageDatabaseVariable));
        if (path is null)
        {
            return environment.DataDirectory is { } dir ? Path.Combine(dir, "usage.db") : null;
        }

        return path.Equals("none", StringComparison.OrdinalIgnoreCase) || path.Equals("off", StringComparison.OrdinalIgnoreCase) ? null : Path.GetFullPath(path);
    }

    internal static void ApplyPipelineSettings(ConnectionSettings settings, MaiClientOptions options)
    {
        if (settings.MaxRetries is { } retries)
        {
            options.Resilience.MaxRetries = retries;
        }

        if (settings.TimeoutSeconds is { } seconds)
        {
            options.Resilience.TotalTimeout = TimeSpan.FromSeconds(seconds);
        }

        foreach (var spec in settings.Fallbacks)
        {
            options.Fallbacks.Add(ParseFallback(spec));
        }

        if (settings.BudgetTokens is not null || settings.BudgetCost is not null)
        {
            options.Budgets.Add(new BudgetLimit { Name = "this call", Window = BudgetWindow.Total, MaxTokens = settings.BudgetTokens, MaxCost = settings.BudgetCost });
        }
    }

    /// <summary>Parses <c>endpoint=URL,model=NAME[,key=KEY][,name=NAME]</c>.</summary>
    internal static MaiDeployment ParseFallback(string spec)
    {
        var deployment = new MaiDeployment();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            var name = eq > 0 ? part[..eq].Trim().ToLowerInvariant() : string.Empty;
            var value = eq > 0 ? part[(eq + 1)..].Trim() : string.Empty;
            switch (name)
            {
                case "endpoint" when Uri.TryCreate(value, UriKind.Absolute, out var uri):
                    deployment.Endpoint = uri;
                    break;
                case "endpoint":
                    throw new ArgumentException("--fallback: the endpoint is not an absolute URL (not shown: it may be a key).");
                case "model":
                    deployment.Model = value;
                    break;
                case "key":
                    deployment.ApiKey = value;
                    break;
                case "name":
                    deployment.Name = value;
                    break;
                case "":
                    // No NAME= before the value: the part may be a key written as key:KEY; never echo it.
                    throw new ArgumentException("--fallback: a part is not NAME=VALUE (not shown: it may be a key); expected endpoint=URL,model=NAME[,key=KEY][,name=NAME].");
                default:
                    throw new ArgumentException($"--fallback: unknown part '{part[..eq].Trim()}='; expected endpoint=URL,model=NAME[,key=KEY][,name=NAME].");
            }
        }

        if (deployment.Endpoint is null)
        {
            throw new ArgumentException("--fallback needs endpoint=URL.");
        }

        if (deployment.ApiKey is null && deployment.Credential is null)
        {
            deployment.Credential = new DefaultAzureCredential();
        }

        return deployment;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync().ConfigureAwait(false);
        }

        _providers.Clear();
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }

        _sink?.Dispose();
        _emulatorGate.Dispose();
    }

    private async Task<MaiEmulator> StartEmulatorAsync(string model, CancellationToken cancellationToken)
    {
        await _emulatorGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_emulator is null)
            {
                var options = new MaiEmulatorOptions();
                foreach (var emulated in environment.EmulatorModels)
                {
                    options.Models.Add(emulated);
                }

                _emulator = await MaiEmulator.StartAsync(options, cancellationToken).ConfigureAwait(false);
                await environment.Error.WriteLineAsync($"mai: no endpoint configured ({EndpointVariable} or --endpoint); using the embedded emulator at {_emulator.Endpoint} serving {model}.").ConfigureAwait(false);
            }

            return _emulator;
        }
        finally
        {
            _emulatorGate.Release();
        }
    }

    private SqliteUsageSink? UsageSink(string? flag)
    {
        if (!_sinkResolved)
        {
            _sinkResolved = true;
            if (UsageDatabasePath(flag) is { } path)
            {
                _sink = SqliteUsageSink.Open(path, command);
            }
        }

        return _sink;
    }

    /// <summary>A per-model value from its flag (<c>NAME=VALUE</c>, repeatable) or from <c>MAI_MODELS__NAME__SUFFIX</c>.</summary>
    private (string? Value, string Source) PerModel(string[] specs, string flag, string model, string suffix)
    {
        for (var i = specs.Length - 1; i >= 0; i--)
        {
            var eq = specs[i].IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                // Never echo the value: a key typed with ':' instead of '=' would be printed.
                throw new ArgumentException($"{flag} number {i + 1} must be NAME=VALUE (the value is not shown).");
            }

            if (specs[i][..eq].Trim().Equals(model, StringComparison.OrdinalIgnoreCase) && Blank(specs[i][(eq + 1)..]) is { } value)
            {
                return (value, $"{flag} {model}");
            }
        }

        foreach (var name in (string[])[model, Sanitize(model)])
        {
            var variable = $"{ModelsVariablePrefix}{name}__{suffix}";
            if (Blank(environment.GetEnvironmentVariable(variable)) is { } value)
            {
                return (value, variable);
            }
        }

        return (null, string.Empty);
    }

    /// <summary>The error for a model the embedded emulator does not serve, with the nearest name it does serve.</summary>
    internal string UnservedModel(string model)
    {
        var served = environment.EmulatorModels.Select(m => m.Name).ToList();
        var near = ArgumentChecker.Nearest(model, served);
        return $"'{model}' has no endpoint and the embedded emulator does not serve it{(near is null ? string.Empty : $" (did you mean {near}?)")}; " +
            $"it serves {string.Join(", ", served)}. For another model set --endpoint, --model-endpoint {model}=URL or {ModelsVariablePrefix}{model}__ENDPOINT.";
    }

    /// <summary>Refuses what cannot work before anything is sent: Entra ID over plain http (a local emulator without its key).</summary>
    private static ModelConnection Checked(ModelConnection connection)
    {
        if (connection.ApiKey is null && connection.Endpoint is { Scheme: "http" } endpoint)
        {
            var local = endpoint.IsLoopback
                ? $" For a Mai.Emulator started on its own, pass --key with the key it printed at start-up (mai-emulator-key unless it was started with --api-key; any key when it runs --no-auth)."
                : string.Empty;
            throw new ArgumentException($"no key for {endpoint.GetLeftPart(UriPartial.Authority)} ({connection.EndpointSource}): Entra ID needs https.{local}");
        }

        return connection;
    }

    private static string Sanitize(string model) => string.Concat(model.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));

    private static Uri ParseEndpoint(string value, string source) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"the endpoint given by {source} is not an absolute http(s) URL (not shown: it may be a key pasted in the wrong place).");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
