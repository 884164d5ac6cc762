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

// Ctrl+C goes to whoever claimed it (chat: the answer in progress, or the idle prompt), else it cancels the command (exit 130).
var environment = CliEnvironment.FromProcess(configuration);
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    if (!environment.Interrupts.Interrupt())
    {
        cancellation.Cancel();
    }
};

return await MaiCli.RunAsync(args, environment, cancellation.Token);
