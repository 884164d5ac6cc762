using Azure.Identity;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Console.Commands;
using Mai.Emulator;

namespace Mai.Console.Infrastructure;

/// <summary>Builds the <see cref="MaiClient"/> a command uses, from flags, then environment variables, then the embedded emulator.</summary>
internal sealed class ClientFactory(CliEnvironment environment) : IAsyncDisposable
{
    public const string EndpointVariable = "AZURE_AI_CHAT_ENDPOINT";
    public const string KeyVariable = "AZURE_AI_CHAT_KEY";
    public const string ModelVariable = "AZURE_AI_CHAT_MODEL";
    public const string EmulatedModel = "MAI-Thinking-1";

    private MaiEmulator? _emulator;

    /// <summary>Gets whether the client runs on the embedded emulator.</summary>
    public bool IsEmulated => _emulator is not null;

    public async Task<MaiClient> CreateAsync(ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var endpoint = Blank(settings.Endpoint) ?? Blank(environment.GetEnvironmentVariable(EndpointVariable));
        var key = Blank(settings.Key) ?? Blank(environment.GetEnvironmentVariable(KeyVariable));
        var model = Blank(settings.Model) ?? Blank(environment.GetEnvironmentVariable(ModelVariable));

        var options = new MaiClientOptions { ApiVersion = settings.ApiVersion, TimeProvider = environment.TimeProvider };
        if (endpoint is null)
        {
            _emulator = await MaiEmulator.StartAsync(new MaiEmulatorOptions(), cancellationToken).ConfigureAwait(false);
            options.Endpoint = _emulator.Endpoint;
            options.ApiKey = _emulator.ApiKey;
            options.Model = model ?? EmulatedModel;
            await environment.Error.WriteLineAsync($"mai: no endpoint configured ({EndpointVariable} or --endpoint); using the embedded emulator at {_emulator.Endpoint} serving {options.Model}.").ConfigureAwait(false);
        }
        else
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
            {
                throw new ArgumentException($"The endpoint '{endpoint}' is not an absolute URL.");
            }

            options.Endpoint = uri;
            options.Model = model;
            if (key is not null)
            {
                options.ApiKey = key;
            }
            else
            {
                options.Credential = new DefaultAzureCredential();
            }
        }

        ApplyPipelineSettings(settings, options);
        return new MaiClient(options);
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
                    throw new ArgumentException($"--fallback: endpoint '{value}' is not an absolute URL.");
                case "model":
                    deployment.Model = value;
                    break;
                case "key":
                    deployment.ApiKey = value;
                    break;
                case "name":
                    deployment.Name = value;
                    break;
                default:
                    throw new ArgumentException($"--fallback: unknown or malformed part '{(eq > 0 ? part[..eq] : part)}'; expected endpoint=URL,model=NAME[,key=KEY][,name=NAME].");
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
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
