using System.Reflection;
using Mai.Console;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Configuration in the usual precedence (later wins): appsettings.json beside mai, then in the current folder (and
// appsettings.{Environment}.json), user secrets, environment variables (Mai__Endpoint, Mai__Resilience__MaxRetries, …);
// the command-line flags win over all of them. Results go to stdout, so the host logs nothing to the console.
var host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = Directory.GetCurrentDirectory() });
host.Logging.ClearProviders();
host.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource
{
    Path = Path.Combine(AppContext.BaseDirectory, "appsettings.json"),
    Optional = true,
    ReloadOnChange = false,
});
host.Configuration.AddUserSecrets(Assembly.GetExecutingAssembly(), optional: true);
host.Configuration.AddEnvironmentVariables();

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await MaiCli.RunAsync(args, CliEnvironment.FromProcess(host.Configuration), cancellation.Token);
