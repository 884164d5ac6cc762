using Mai.Console.Commands;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Mai.Console;

/// <summary>The <c>mai</c> command line, runnable in-process (tests) with its own writers and environment.</summary>
internal static class MaiCli
{
    public static Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        services.AddSingleton(environment);
        var app = new CommandApp<AskCommand>(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("mai");
            config.Settings.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Out = new Spectre.Console.AnsiConsoleOutput(environment.Error),
                Ansi = Spectre.Console.AnsiSupport.No,
                ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            });
            config.AddCommand<AskCommand>("ask").WithDescription("Ask one question; the answer streams, reasoning shown apart.");
            config.AddCommand<ChatCommand>("chat").WithDescription("Chat: turns from stdin (typed or piped), /usage /reset /model NAME /exit; history kept within the context window.");
            config.AddCommand<CompareCommand>("compare").WithDescription("Run the same prompts against several models: latency p50/p95, speed, tokens, cost, errors, pass rate; --out .md/.csv/.json/.html.");
            config.AddCommand<UsageCommand>("usage").WithDescription("Tokens and cost of every recorded call, by model, day or month, and this month's projected spend.");
            config.AddCommand<InfoCommand>("info").WithDescription("The settings in force (endpoint host, model, auth kind; never the key) and what the endpoint says it serves.");
        });
        return app.RunAsync(args, cancellationToken);
    }
}
