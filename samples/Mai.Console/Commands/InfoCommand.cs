using Azure.Identity;
using Mai.Console.Info;
using Mai.Console.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai info</c>: the settings in force (endpoint host, model, auth kind — never the key) and what the endpoint says it serves.</summary>
internal sealed class InfoCommand(CliEnvironment environment) : AsyncCommand<InfoSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, InfoSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment, "info");
        try
        {
            var connection = await factory.ConnectAsync(settings, model: null, cancellationToken).ConfigureAwait(false);
            var endpoint = connection.Endpoint!;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var info = await EndpointInfoProbe.ProbeAsync(
                http,
                endpoint,
                connection.ApiKey,
                connection.ApiKey is null ? new DefaultAzureCredential() : null,
                settings.ApiVersion,
                cancellationToken).ConfigureAwait(false);

            var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
            Row(grid, "endpoint host", $"{endpoint.Host}{(endpoint.IsDefaultPort ? string.Empty : ":" + endpoint.Port)} ({endpoint.Scheme}; from {connection.EndpointSource})");
            Row(grid, "model", connection.Model is null ? "(not set: the endpoint's own model)" : $"{connection.Model}{(connection.IsEmulated ? " (emulated)" : string.Empty)}");
            Row(grid, "transport", factory.TransportDescription(settings));
            Row(grid, "auth", connection.AuthKind);
            Row(grid, "api-version", settings.ApiVersion ?? $"{EndpointInfoProbe.DefaultApiVersion} (transport default)");
            Row(grid, "usage database", factory.UsageDatabasePath(settings.Database) ?? "none (calls are not recorded)");
            if (info.Available)
            {
                Row(grid, "served model", info.ModelName ?? "?");
                Row(grid, "model type", info.ModelType ?? "?");
                Row(grid, "provider", info.ProviderName ?? "?");
                if (connection.Model is { } model && info.ModelName is { } served && !served.Equals(model, StringComparison.OrdinalIgnoreCase))
                {
                    Row(grid, "note", $"the endpoint names {served}, not {model}: a multi-model endpoint reports its default model");
                }
            }
            else
            {
                Row(grid, "endpoint /info", $"not available ({info.Detail})");
            }

            CliConsole.ForOutput(environment).Write(grid);
            return 0;
        }
        catch (Exception ex)
        {
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
            return ErrorReporter.ExitCode(ex);
        }
    }

    private static void Row(Grid grid, string name, string value) => grid.AddRow(new Text(name), new Text(value));
}
