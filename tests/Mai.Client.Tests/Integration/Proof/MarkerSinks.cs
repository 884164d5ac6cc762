using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Mai.Client.Accounting;
using Microsoft.Extensions.Logging;

namespace Mai.Client.Tests.Integration.Proof;

/// <summary>
/// Every place a secret could leak to, watched for one marker key: log lines at Trace (message, state, exception), activities
/// (name, tags, events, status), metric measurements' tags, usage records (as the ledger and a sink hold them, serialized), and
/// the exceptions a call ends with (<see cref="Exception.ToString"/>, <see cref="Exception.Data"/>, inner exceptions).
/// Listeners are process-wide, so they also see other tests' telemetry; the marker is unique to the proof suite.
/// </summary>
internal sealed class MarkerSinks : IDisposable
{
    private readonly string _marker;
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private readonly ConcurrentDictionary<string, int> _hits = new();
    private int _logLines;
    private int _activityCount;
    private int _measurements;

    public MarkerSinks(string marker)
    {
        _marker = marker;
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new Provider(this)));
        _activities = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Inspect,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener { InstrumentPublished = (instrument, listener) => listener.EnableMeasurementEvents(instrument) };
        _meters.SetMeasurementEventCallback<long>((i, _, tags, _) => Measured(i, tags));
        _meters.SetMeasurementEventCallback<double>((i, _, tags, _) => Measured(i, tags));
        _meters.SetMeasurementEventCallback<decimal>((i, _, tags, _) => Measured(i, tags));
        _meters.SetMeasurementEventCallback<int>((i, _, tags, _) => Measured(i, tags));
        _meters.Start();
        Sink = new RecordingSink(this);
    }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>Gets a usage sink for a <see cref="UsageLedger"/>: every record it receives is serialized and searched.</summary>
    public IUsageSink Sink { get; }

    public int LogLines => _logLines;

    public int Activities => _activityCount;

    public int Measurements => _measurements;

    /// <summary>Gets the marker occurrences per sink so far.</summary>
    public IReadOnlyDictionary<string, int> Hits => _hits;

    public int HitsIn(string sink) => _hits.GetValueOrDefault(sink);

    /// <summary>Searches an exception the caller got: its <see cref="Exception.ToString"/>, and every <see cref="Exception.Data"/> value down the chain.</summary>
    public void InspectException(Exception error)
    {
        Count("exceptions", error.ToString());
        for (var e = error; e is not null; e = e.InnerException)
        {
            Count("exceptions", e.Message);
            foreach (DictionaryEntry entry in e.Data)
            {
                Count("exceptions", $"{entry.Key}={entry.Value}");
            }
        }
    }

    public void InspectRecord(UsageRecord record) => Count("usage", JsonSerializer.Serialize(record) + record);

    private void Count(string sink, string? text)
    {
        if (text is null)
        {
            return;
        }

        var n = 0;
        for (var at = text.IndexOf(_marker, StringComparison.Ordinal); at >= 0; at = text.IndexOf(_marker, at + 1, StringComparison.Ordinal))
        {
            n++;
        }

        if (n > 0)
        {
            _hits.AddOrUpdate(sink, n, (_, old) => old + n);
        }
    }

    private void Inspect(Activity activity)
    {
        Interlocked.Increment(ref _activityCount);
        Count("activities", activity.DisplayName + activity.OperationName + activity.StatusDescription);
        foreach (var tag in activity.TagObjects)
        {
            Count("activities", $"{tag.Key}={tag.Value}");
        }

        foreach (var e in activity.Events)
        {
            Count("activities", e.Name);
            foreach (var tag in e.Tags)
            {
                Count("activities", $"{tag.Key}={tag.Value}");
            }
        }
    }

    private void Measured(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Interlocked.Increment(ref _measurements);
        Count("metrics", instrument.Name + instrument.Description);
        foreach (var tag in tags)
        {
            Count("metrics", $"{tag.Key}={tag.Value}");
        }
    }

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        LoggerFactory.Dispose();
    }

    private sealed class Provider(MarkerSinks owner) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(owner, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(MarkerSinks owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner.Count("logs", state.ToString());
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Interlocked.Increment(ref owner._logLines);
            owner.Count("logs", category + " " + formatter(state, exception) + " " + exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach (var pair in pairs)
                {
                    owner.Count("logs", $"{pair.Key}={pair.Value}");
                }
            }
        }
    }

    private sealed class RecordingSink(MarkerSinks owner) : IUsageSink
    {
        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
        {
            owner.InspectRecord(record);
            return ValueTask.CompletedTask;
        }
    }
}
