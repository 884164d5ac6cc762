using Mai.Console.Infrastructure;

namespace Mai.Console.Tests.TestSupport;

/// <summary>Runs <c>mai</c> in-process with its own writers, input, environment variables, clock and a throw-away data folder.</summary>
internal static class Cli
{
    public static async Task<(int Code, string Stdout, string Stderr)> RunAsync(
        string[] args,
        Dictionary<string, string?>? environment = null,
        string? input = null,
        TimeProvider? time = null,
        Dictionary<string, string?>? configuration = null,
        bool stdoutIsTerminal = false,
        bool stderrIsTerminal = false,
        bool stdinIsTerminal = false,
        int? width = null,
        Action<Interrupts>? interrupts = null,
        TextReader? reader = null,
        CancellationTokenSource? ctrlCToProcess = null,
        TimeSpan? stdinGrace = null,
        IEnumerable<ConsoleKeyInfo>? keys = null)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        using var stdin = reader ?? new StringReader(input ?? string.Empty);
        var ctrlC = new Interrupts();
        interrupts?.Invoke(ctrlC);
        var env = environment ?? [];
        var cli = new CliEnvironment(stdout, stderr, name => env.GetValueOrDefault(name), time, stdin)
        {
            Configuration = Microsoft.Extensions.Configuration.MemoryConfigurationBuilderExtensions.AddInMemoryCollection(new Microsoft.Extensions.Configuration.ConfigurationBuilder(), configuration ?? []).Build(),
            Interactive = stdoutIsTerminal,
            InteractiveError = stderrIsTerminal,
            InteractiveInput = stdinIsTerminal,
            Width = width ?? (stdoutIsTerminal ? 1_000 : null),
            Interrupts = ctrlC,
            StdinGrace = stdinGrace ?? TimeSpan.FromSeconds(2),
            ReadPromptLine = keys is null ? null : new Mai.Console.Chat.LineEditor(Keys.Script(keys), stdout).ReadLine,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken, ctrlCToProcess?.Token ?? CancellationToken.None);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        var code = await MaiCli.RunAsync(args, cli, timeout.Token);
        // A terminal shows text, not its colour codes: tests read what a person sees.
        return (code, Terminal.Strip(stdout.ToString()), Terminal.Strip(stderr.ToString()));
    }
}

/// <summary>What a terminal shows of console output: the text without ANSI colour codes.</summary>
internal static partial class Terminal
{
    public static string Strip(string text) => Ansi().Replace(text, string.Empty);

    [System.Text.RegularExpressions.GeneratedRegex("\u001b\\[[0-9;]*m")]
    private static partial System.Text.RegularExpressions.Regex Ansi();
}

/// <summary>A temporary folder deleted after the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mai-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
