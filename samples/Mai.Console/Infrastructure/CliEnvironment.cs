namespace Mai.Console.Infrastructure;

/// <summary>What the console reads from and writes to, injectable so every command runs in tests without a terminal.</summary>
internal sealed class CliEnvironment
{
    public CliEnvironment(TextWriter output, TextWriter error, Func<string, string?> getEnvironmentVariable, TimeProvider? timeProvider = null)
    {
        Output = output;
        Error = error;
        GetEnvironmentVariable = getEnvironmentVariable;
        TimeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Gets the writer for results (stdout).</summary>
    public TextWriter Output { get; }

    /// <summary>Gets the writer for diagnostics and errors (stderr).</summary>
    public TextWriter Error { get; }

    /// <summary>Gets the environment-variable lookup.</summary>
    public Func<string, string?> GetEnvironmentVariable { get; }

    /// <summary>Gets the clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Gets or sets whether results may use ANSI colours (true only for a real terminal).</summary>
    public bool Interactive { get; init; }

    public static CliEnvironment FromProcess() => new(System.Console.Out, System.Console.Error, Environment.GetEnvironmentVariable)
    {
        Interactive = !System.Console.IsOutputRedirected,
    };
}
