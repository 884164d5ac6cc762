using Spectre.Console;

namespace Mai.Console.Infrastructure;

/// <summary>Spectre consoles over the environment's writers: colours and live widgets only on a real terminal.</summary>
internal static class CliConsole
{
    /// <summary>A console over stdout; redirected output never wraps at an imagined terminal width.</summary>
    public static IAnsiConsole ForOutput(CliEnvironment environment) => Create(environment.Output, environment.Interactive);

    /// <summary>A console over stderr (progress, notices).</summary>
    public static IAnsiConsole ForError(CliEnvironment environment) => Create(environment.Error, environment.Interactive);

    private static IAnsiConsole Create(TextWriter writer, bool interactive)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = 10_000;
        }

        return console;
    }
}
