using Mai.Client;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai ask "prompt"</c>: stream (or fetch) one answer with its reasoning shown apart, then one usage line.</summary>
internal sealed class AskCommand(CliEnvironment environment) : AsyncCommand<AskSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AskSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment, "ask");
        try
        {
            using var client = await factory.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
            var options = CallOptions(settings);
            options.Reasoning = ClientFactoryTransports.ThinkingFor(factory.DefaultModel(settings));
            if (settings.Json)
            {
                var result = await RunQuietAsync(client, settings, options, cancellationToken).ConfigureAwait(false);
                ResultWriter.WriteJson(environment.Output, result);
                return 0;
            }

            var console = CreateConsole();
            var done = settings.NoStream
                ? await client.AskAsync(settings.Prompt, options, cancellationToken).ConfigureAwait(false)
                : await StreamToConsoleAsync(client, settings.Prompt, options, console, cancellationToken).ConfigureAwait(false);
            if (settings.NoStream)
            {
                WriteWhole(console, done);
            }

            console.MarkupLine($"[grey]{Markup.Escape(ResultWriter.FormatUsageLine(done))}[/]");
            return 0;
        }
        catch (Exception ex)
        {
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
            return ErrorReporter.ExitCode(ex);
        }
    }

    /// <summary>Per-call options: max tokens, and a call context that reports each retry on stderr as it happens.</summary>
    private ChatOptions CallOptions(AskSettings settings)
    {
        // A failed attempt is shown once it is known to be followed by another: at once when the client waits before
        // retrying, otherwise (failover) when the next attempt is recorded. The final failure is the error line alone.
        MaiAttempt? failover = null;
        var context = new MaiCallContext
        {
            AttemptObserver = attempt =>
            {
                if (failover is not null)
                {
                    environment.Error.WriteLine(ResultWriter.FormatAttempt(failover));
                    failover = null;
                }

                if (attempt.Reason == "ok")
                {
                    return;
                }

                if (attempt.Wait > TimeSpan.Zero)
                {
                    environment.Error.WriteLine(ResultWriter.FormatAttempt(attempt));
                }
                else
                {
                    failover = attempt;
                }
            },
        };
        return MaiCallContext.Attach(new ChatOptions { MaxOutputTokens = settings.MaxTokens }, context);
    }

    private static async Task<MaiResult> RunQuietAsync(MaiClient client, AskSettings settings, ChatOptions options, CancellationToken cancellationToken)
    {
        if (settings.NoStream)
        {
            return await client.AskAsync(settings.Prompt, options, cancellationToken).ConfigureAwait(false);
        }

        MaiResult? result = null;
        await foreach (var update in client.StreamAsync(settings.Prompt, options, cancellationToken).ConfigureAwait(false))
        {
            result = update.Result ?? result;
        }

        return result ?? throw new InvalidOperationException("The stream ended without a result.");
    }

    private static Task<MaiResult> StreamToConsoleAsync(MaiClient client, string prompt, ChatOptions options, IAnsiConsole console, CancellationToken cancellationToken) =>
        StreamRenderer.RenderAsync(client.StreamAsync(prompt, options, cancellationToken), console, cancellationToken);

    private static void WriteWhole(IAnsiConsole console, MaiResult result)
    {
        if (result.Reasoning is { } reasoning)
        {
            console.MarkupLine("[grey italic]Thinking…[/]");
            console.MarkupLine($"[grey]{Markup.Escape(reasoning)}[/]");
            console.WriteLine();
        }

        console.WriteLine(result.Answer);
    }

    private IAnsiConsole CreateConsole()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Output),
            Ansi = environment.Interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = environment.Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!environment.Interactive)
        {
            // Redirected output: never wrap lines at an imagined terminal width.
            console.Profile.Width = 10_000;
        }

        return console;
    }
}
