using Spectre.Console;

namespace Mai.Console.Infrastructure;

/// <summary>Spectre consoles over the environment's writers: colours and live widgets only on a real terminal.</summary>
internal static class CliConsole
{
    /// <summary>A console over stdout; redirected output never wraps at an imagined terminal width.</summary>
    public static IAnsiConsole ForOutput(CliEnvironment environment) => Create(environment.Output, environment.Interactive, environment.Width);

    /// <summary>A console over stderr (progress, notices).</summary>
    public static IAnsiConsole ForError(CliEnvironment environment) => Create(environment.Error, environment.Interactive, environment.Width);

    /// <summary>A console over stdout without live widgets (answers are streamed into it piece by piece).</summary>
    public static IAnsiConsole ForAnswer(CliEnvironment environment) => Create(environment.Output, environment.Interactive, environment.Width, widgets: false);

    private static IAnsiConsole Create(TextWriter writer, bool interactive, int? width, bool widgets = true)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive && widgets ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive)
        {
            console.Profile.Width = 10_000;
        }
        else if (width is { } columns)
        {
            console.Profile.Width = columns;
        }

        return console;
    }
}
