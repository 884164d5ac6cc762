using Mai.Console;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.Configuration;

// Results go to stdout, diagnostics to stderr; the host logs nothing to the console.
IConfiguration configuration;
try
{
    configuration = MaiConfiguration.Build(Directory.GetCurrentDirectory());
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"mai: error: {ex.Message}");
    return MaiCli.UsageError;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await MaiCli.RunAsync(args, CliEnvironment.FromProcess(configuration), cancellation.Token);
