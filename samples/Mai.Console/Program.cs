using Mai.Console;
using Mai.Console.Infrastructure;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await MaiCli.RunAsync(args, CliEnvironment.FromProcess(), cancellation.Token);
