using Mai.Client;
using Mai.Console.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai ask "prompt"</c>: stream (or fetch) one answer with its reasoning shown apart, then one usage line.</summary>
internal sealed class AskCommand(CliEnvironment environment) : AsyncCommand<AskSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, AskSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment);
        try
        {
            using var client = await factory.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
            if (settings.Json)
            {
                var result = await RunQuietAsync(client, settings, cancellationToken).ConfigureAwait(false);
                ResultWriter.WriteJson(environment.Output, result);
                return 0;
            }

            var console = CreateConsole();
            var done = settings.NoStream
                ? await client.AskAsync(settings.Prompt, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await StreamToConsoleAsync(client, settings.Prompt, console, cancellationToken).ConfigureAwait(false);
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

    private static async Task<MaiResult> RunQuietAsync(MaiClient client, AskSettings settings, CancellationToken cancellationToken)
    {
        if (settings.NoStream)
        {
            return await client.AskAsync(settings.Prompt, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        MaiResult? result = null;
        await foreach (var update in client.StreamAsync(settings.Prompt, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            result = update.Result ?? result;
        }

        return result ?? throw new InvalidOperationException("The stream ended without a result.");
    }

    private static async Task<MaiResult> StreamToConsoleAsync(MaiClient client, string prompt, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var section = MaiUpdateKind.Completed;
        await foreach (var update in client.StreamAsync(prompt, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            switch (update.Kind)
            {
                case MaiUpdateKind.Reasoning:
                    if (section != MaiUpdateKind.Reasoning)
                    {
                        console.MarkupLine("[grey italic]Thinking…[/]");
                        section = MaiUpdateKind.Reasoning;
                    }

                    console.Markup($"[grey]{Markup.Escape(update.Text)}[/]");
                    break;
                case MaiUpdateKind.Answer:
                    if (section == MaiUpdateKind.Reasoning)
                    {
                        console.WriteLine();
                        console.WriteLine();
                    }

                    section = MaiUpdateKind.Answer;
                    console.Write(new Text(update.Text));
                    break;
                case MaiUpdateKind.ToolCall:
                    console.MarkupLine($"[yellow]tool call: {Markup.Escape(update.ToolCall?.Name ?? "?")}[/]");
                    break;
                case MaiUpdateKind.Completed:
                    console.WriteLine();
                    return update.Result!;
            }
        }

        throw new InvalidOperationException("The stream ended without a result.");
    }

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
