using System.Reflection;
using Mai.Console.Commands;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console.Cli;

namespace Mai.Console;

/// <summary>The <c>mai</c> command line, runnable in-process (tests) with its own writers and environment.</summary>
/// <remarks>
/// Exit codes (the README's table): 0 ok, 1 service error, 2 usage error (bad argument, option, configuration), 3 refused
/// by a budget before sending, 4 answer cut by the token limit (<c>finish_reason: length</c>), 130 cancelled (Ctrl+C).
/// </remarks>
internal static class MaiCli
{
    public const int Ok = 0;
    public const int ServiceError = 1;
    public const int UsageError = 2;
    public const int BudgetRefused = 3;
    public const int Truncated = 4;
    public const int Cancelled = 130;

    /// <summary>Gets the version <c>mai --version</c> prints: the assembly's informational version without the commit.</summary>
    public static string Version { get; } = (typeof(MaiCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0").Split('+')[0];

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        if (args is ["--version"])
        {
            await environment.Output.WriteLineAsync($"mai {Version}").ConfigureAwait(false);
            return Ok;
        }

        if (args is ["help", .. var rest])
        {
            // `mai help`, `mai help compare`: help, never a prompt.
            return await CreateApp(environment).RunAsync([.. rest.Take(1), "--help"], cancellationToken).ConfigureAwait(false);
        }

        if (args.Length == 0)
        {
            // A prompt piped in (`echo … | mai`) is the question; otherwise there is nothing to do: help, as a usage error.
            var piped = environment.InteractiveInput ? string.Empty : await environment.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrWhiteSpace(piped))
            {
                await CreateApp(environment).RunAsync(["--help"], cancellationToken).ConfigureAwait(false);
                return UsageError;
            }

            environment = environment.WithInput(new StringReader(piped));
        }

        // `-` as the prompt reads it from stdin; Spectre takes a lone `-` for a nameless option, so it is spelt --stdin inside.
        args = [.. args.Select(a => a == "-" ? "--stdin" : a)];
        if (ArgumentChecker.Check(args) is { } error)
        {
            await environment.Error.WriteLineAsync($"mai: error: {error}").ConfigureAwait(false);
            return UsageError;
        }

        try
        {
            return await CreateApp(environment).RunAsync(args, cancellationToken).ConfigureAwait(false);
        }
        catch (CommandAppException ex)
        {
            await environment.Error.WriteLineAsync($"mai: error: {ErrorReporter.FirstLine(ex.Message)}").ConfigureAwait(false);
            return UsageError;
        }
    }

    private static CommandApp<AskCommand> CreateApp(CliEnvironment environment)
    {
        var services = new ServiceCollection();
        services.AddSingleton(environment);
        var app = new CommandApp<AskCommand>(new TypeRegistrar(services));
        app.Configure(config =>
        {
            config.SetApplicationName("mai");
            config.SetApplicationVersion(Version);
            config.UseStrictParsing();
            config.PropagateExceptions();
            config.Settings.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
            {
                Out = new Spectre.Console.AnsiConsoleOutput(environment.Error),
                Ansi = Spectre.Console.AnsiSupport.No,
                ColorSystem = Spectre.Console.ColorSystemSupport.NoColors,
            });
            config.AddCommand<AskCommand>("ask").WithDescription("Ask one question; the answer streams, reasoning shown apart. The prompt can also come from stdin or -f FILE.");
            config.AddCommand<ChatCommand>("chat").WithDescription("Chat: turns from stdin (typed or piped), /usage /reset /model NAME /exit; history kept within the context window.");
            config.AddCommand<CompareCommand>("compare").WithDescription("Run the same prompts against several models: latency p50/p95, speed, tokens, cost, errors, pass rate; --out .md/.csv/.json/.html.");
            config.AddCommand<UsageCommand>("usage").WithDescription("Tokens and cost of every recorded call, by model, day or month, and this month's projected spend.");
            config.AddCommand<InfoCommand>("info").WithDescription("The settings in force (endpoint host, model, transport, auth kind; never the key) and what the endpoint says it serves.");
        });
        return app;
    }
}
