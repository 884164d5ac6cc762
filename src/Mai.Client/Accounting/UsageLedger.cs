using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mai.Client.Accounting;

/// <summary>
/// Keeps one <see cref="UsageRecord"/> per attempt, answers totals by scope, model, deployment and time window, and
/// forwards every record to pluggable <see cref="IUsageSink"/>s.
/// </summary>
/// <remarks>
/// Thread-safe. The in-memory part keeps at most <c>maxRecords</c> records (the oldest are dropped first); sinks see every record.
/// A sink that throws is logged at Warning and skipped: a sink failure never breaks the call.
/// </remarks>
public sealed partial class UsageLedger
{
    private readonly Lock _gate = new();
    private readonly Queue<UsageRecord> _records = new();
    private readonly IUsageSink[] _sinks;
    private readonly ILogger _logger;
    private readonly int _maxRecords;

    /// <summary>Initializes a new instance of the <see cref="UsageLedger"/> class.</summary>
    /// <param name="sinks">Where records are also written, in order; <see langword="null"/> for none.</param>
    /// <param name="logger">Logs sink failures; <see langword="null"/> for none.</param>
    /// <param name="maxRecords">How many records the in-memory ledger keeps. The default is 100 000.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRecords"/> is less than 1.</exception>
    public UsageLedger(IEnumerable<IUsageSink>? sinks = null, ILogger<UsageLedger>? logger = null, int maxRecords = AccountingDefaults.LedgerCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxRecords, 1);
        _sinks = sinks?.Where(s => s is not null).ToArray() ?? [];
        _logger = logger ?? NullLogger<UsageLedger>.Instance;
        _maxRecords = maxRecords;
    }

    /// <summary>Gets how many records the in-memory ledger holds.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _records.Count;
            }
        }
    }

    /// <summary>Records one attempt and writes it to every sink.</summary>
    /// <param name="record">The record.</param>
    /// <param name="cancellationToken">Passed to the sinks.</param>
    /// <returns>A task that completes when every sink has been tried.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="record"/> is <see langword="null"/>.</exception>
    public async ValueTask RecordAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _records.Enqueue(record);
            while (_records.Count > _maxRecords)
            {
                _records.Dequeue();
            }
        }

        foreach (var sink in _sinks)
        {
            try
            {
                await sink.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogSinkFailed(_logger, sink.GetType().Name, record.Deployment, ex);
            }
        }
    }

    /// <summary>Gets a snapshot of the records that match <paramref name="query"/>, oldest first.</summary>
    /// <param name="query">The selection; <see langword="null"/> for all records.</param>
    /// <returns>The matching records.</returns>
    public IReadOnlyList<UsageRecord> GetRecords(UsageQuery? query = null)
    {
        lock (_gate)
        {
            return query is null ? [.. _records] : [.. _records.Where(query.Matches)];
        }
    }

    /// <summary>Sums the records that match <paramref name="query"/>.</summary>
    /// <param name="query">The selection (scope, model, deployment, time window); <see langword="null"/> for all records.</param>
    /// <returns>The totals.</returns>
    public UsageTotals GetTotals(UsageQuery? query = null) => Sum(GetRecords(query));

    /// <summary>Sums the records that match <paramref name="query"/>, grouped by model id (case-insensitive).</summary>
    /// <param name="query">The selection; <see langword="null"/> for all records.</param>
    /// <returns>The totals per model.</returns>
    public IReadOnlyDictionary<string, UsageTotals> GetTotalsByModel(UsageQuery? query = null) =>
        GetRecords(query)
            .GroupBy(r => r.Model, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => Sum([.. g]), StringComparer.OrdinalIgnoreCase);

    internal static UsageTotals Sum(IReadOnlyList<UsageRecord> records)
    {
        var usage = MaiUsage.Zero;
        var estimated = 0;
        var cost = 0m;
        var unpriced = 0;
        foreach (var record in records)
        {
            usage = usage.Add(record.Usage);
            estimated += record.IsEstimated ? 1 : 0;
            if (record.Cost is { } c)
            {
                cost += c;
            }
            else
            {
                unpriced++;
            }
        }

        return new UsageTotals(records.Count, usage, estimated, cost, unpriced);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Usage sink {Sink} failed to write a record for deployment {Deployment}; the call is not affected.")]
    private static partial void LogSinkFailed(ILogger logger, string sink, string deployment, Exception exception);
}
