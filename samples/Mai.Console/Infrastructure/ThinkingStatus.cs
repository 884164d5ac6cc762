using System.Globalization;

namespace Mai.Console.Infrastructure;

/// <summary>
/// A live one-line status on stderr while the model thinks (spinner, model, elapsed time, reasoning chunks so far), shown only
/// when stderr is a terminal; nothing of it ever reaches a pipe or a file.
/// </summary>
internal sealed class ThinkingStatus : IDisposable
{
    private const string ClearLine = "\r\u001b[2K";
    private static readonly string[] Frames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

    private readonly Lock _gate = new();
    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly string _model;
    private readonly long _start;
    private readonly ITimer _timer;
    private int _frame;
    private int _reasoningChunks;
    private bool _stopped;

    private ThinkingStatus(TextWriter error, TimeProvider time, string model)
    {
        _error = error;
        _time = time;
        _model = model;
        _start = time.GetTimestamp();
        _timer = time.CreateTimer(_ => Draw(), null, TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Starts a status for <paramref name="model"/>, or returns null when stderr is not a terminal.</summary>
    public static ThinkingStatus? Start(CliEnvironment environment, string model) =>
        environment.InteractiveError ? new ThinkingStatus(environment.Error, environment.TimeProvider, model) : null;

    /// <summary>Counts one reasoning chunk that is not shown (the status then says how far the thinking has gone).</summary>
    public void Reasoning() => Interlocked.Increment(ref _reasoningChunks);

    /// <summary>Wipes the line so another stderr line can be written; the next tick draws the status again.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                _error.Write(ClearLine);
            }
        }
    }

    /// <summary>Stops and wipes the status (the first visible output is about to be written).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            _timer.Dispose();
            _error.Write(ClearLine);
            _error.Flush();
        }
    }

    public void Dispose() => Stop();

    private void Draw()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            var elapsed = _time.GetElapsedTime(_start).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
            var reasoning = Volatile.Read(ref _reasoningChunks) is > 0 and var n ? $" · reasoning: {n} chunks" : string.Empty;
            _error.Write($"{ClearLine}{Frames[_frame++ % Frames.Length]} {_model} thinking… {elapsed} s{reasoning}");
            _error.Flush();
        }
    }
}
