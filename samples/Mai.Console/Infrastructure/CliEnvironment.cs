using Mai.Emulator;
using Microsoft.Extensions.Configuration;

namespace Mai.Console.Infrastructure;

/// <summary>What the console reads from and writes to, injectable so every command runs in tests without a terminal.</summary>
internal sealed class CliEnvironment
{
    public CliEnvironment(TextWriter output, TextWriter error, Func<string, string?> getEnvironmentVariable, TimeProvider? timeProvider = null, TextReader? input = null)
    {
        Output = output;
        Error = error;
        GetEnvironmentVariable = getEnvironmentVariable;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Input = input ?? TextReader.Null;
    }

    /// <summary>Gets the reader for user input (stdin); <c>mai chat</c> reads its turns from it, typed or piped.</summary>
    public TextReader Input { get; }

    /// <summary>Gets how <c>mai chat</c> reads a line typed at its prompt, with line editing and history; <see langword="null"/>
    /// reads plain lines from <see cref="Input"/> (pipes, tests).</summary>
    public Func<string?>? ReadPromptLine { get; init; }

    /// <summary>Gets the writer for results (stdout).</summary>
    public TextWriter Output { get; }

    /// <summary>Gets the writer for diagnostics and errors (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>Gets the environment-variable lookup.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets or sets whether results may use ANSI colours and live widgets (true only for a real terminal).</summary>
    public bool Interactive { get; init; }

    /// <summary>Gets or sets whether input comes from a person at a terminal (then <c>mai chat</c> shows a prompt).</summary>
    public bool InteractiveInput { get; init; }

    /// <summary>Gets or sets the folder of the default usage database (<c>usage.db</c>); <see langword="null"/> records nothing
    /// unless <c>--db</c> or <c>MAI_USAGE_DB</c> names a file (in-process hosts and tests).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Gets or sets the models the embedded emulator serves when no endpoint is configured.</summary>
    /// <value>The default is <see cref="EmulatedModel.Defaults"/> without pacing; the real console uses <see cref="ConsoleEmulatorModels.Paced"/>.</value>
    public IReadOnlyList<EmulatedModel> EmulatorModels { get; init; } = EmulatedModel.Defaults;

    /// <summary>Gets the configuration (appsettings.json, user secrets, environment variables); its <c>Mai</c> section configures
    /// every client, below the command-line flags. Empty by default, so tests see only what they set.</summary>
    public IConfiguration Configuration { get; init; } = new ConfigurationBuilder().Build();

    /// <summary>Gets or sets whether stderr is a terminal (then a live status shows while the model thinks).</summary>
    public bool InteractiveError { get; init; }

    /// <summary>Gets or sets the terminal width in columns; <see langword="null"/> detects it (a real terminal). Tests and
    /// <c>COLUMNS</c> set it.</summary>
    public int? Width { get; init; }

    /// <summary>Gets how long <c>mai "prompt"</c> waits for a first byte on a redirected stdin before sending the prompt alone.</summary>
    /// <value>The default is 2 seconds.</value>
    public TimeSpan StdinGrace { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets where Ctrl+C goes (the process wires <c>Console.CancelKeyPress</c> to it).</summary>
    public Interrupts Interrupts { get; init; } = new();

    /// <summary>A copy of this environment reading its input from <paramref name="input"/> (a prompt already read from a pipe).</summary>
    public CliEnvironment WithInput(TextReader input) => new(Output, Error, GetEnvironmentVariable, TimeProvider, input)
    {
        Interactive = Interactive,
        InteractiveInput = false,
        InteractiveError = InteractiveError,
        Width = Width,
        Interrupts = Interrupts,
        StdinGrace = StdinGrace,
        DataDirectory = DataDirectory,
        EmulatorModels = EmulatorModels,
        Configuration = Configuration,
    };

    public static CliEnvironment FromProcess(IConfiguration configuration) => new(System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable, input: System.Console.In)
    {
        Configuration = configuration,
        ReadPromptLine = System.Console.IsInputRedirected || System.Console.IsOutputRedirected
            ? null
            : new Chat.LineEditor(() => System.Console.ReadKey(intercept: true), System.Console.Out).ReadLine,
        Interactive = !System.Console.IsOutputRedirected,
        InteractiveInput = !System.Console.IsInputRedirected,
        InteractiveError = !System.Console.IsErrorRedirected,
        Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : null,
        DataDirectory = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "mai"),
        EmulatorModels = ConsoleEmulatorModels.Paced,
    };
}
