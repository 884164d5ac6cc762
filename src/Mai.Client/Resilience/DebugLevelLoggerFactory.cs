using Microsoft.Extensions.Logging;

namespace Mai.Client.Resilience;

/// <summary>
/// Hands Polly's own telemetry a logger that writes its routine lines (a pipeline executed, an attempt made: Information
/// per call) at Debug, so a host at the default Information level sees one line per failure, from this layer, and none
/// per healthy call. Polly's warnings and errors keep their level.
/// </summary>
internal sealed class DebugLevelLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Logger(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The caller's factory is the caller's to dispose.
    }

    private static LogLevel Demote(LogLevel level) => level is LogLevel.Information ? LogLevel.Debug : level;

    private sealed class Logger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(Demote(logLevel));

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var level = Demote(logLevel);
            if (inner.IsEnabled(level))
            {
                inner.Log(level, eventId, state, exception, formatter);
            }
        }
    }
}
