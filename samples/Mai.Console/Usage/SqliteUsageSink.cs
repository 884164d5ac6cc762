using System.Globalization;
using Mai.Client.Accounting;
using Microsoft.Data.Sqlite;

namespace Mai.Console.Usage;

/// <summary>
/// Records every <see cref="UsageRecord"/> the ledger receives in a local SQLite database, one committed insert per record
/// (WAL, <c>synchronous=FULL</c>), so a crash or Ctrl+C loses no call that had been recorded.
/// </summary>
/// <remarks>Thread-safe: concurrent calls (<c>mai compare</c>) share one connection behind a lock.</remarks>
internal sealed class SqliteUsageSink : IUsageSink, IDisposable
{
    private readonly Lock _gate = new();
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly string _command;
    private bool _disposed;

    private SqliteUsageSink(SqliteConnection connection, string command)
    {
        _connection = connection;
        _command = command;
        _insert = connection.CreateCommand();
        _insert.CommandText = """
            INSERT INTO calls (ts_ms, ts, command, deployment, model, response_model, user, tenant, tag,
                input_tokens, output_tokens, reasoning_tokens, cached_input_tokens, total_tokens, estimated,
                cost, currency, outcome, status, response_id, emulated)
            VALUES ($ts_ms, $ts, $command, $deployment, $model, $response_model, $user, $tenant, $tag,
                $input, $output, $reasoning, $cached, $total, $estimated,
                $cost, $currency, $outcome, $status, $response_id, $emulated)
            """;
        foreach (var name in (string[])["$ts_ms", "$ts", "$command", "$deployment", "$model", "$response_model", "$user", "$tenant", "$tag",
            "$input", "$output", "$reasoning", "$cached", "$total", "$estimated", "$cost", "$currency", "$outcome", "$status", "$response_id", "$emulated"])
        {
            _insert.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    /// <summary>Gets the database file.</summary>
    public required string Path { get; init; }

    /// <summary>Opens (creating when needed) the database at <paramref name="path"/> and its <c>calls</c> table.</summary>
    public static SqliteUsageSink Open(string path, string command)
    {
        if (System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString());
        try
        {
            connection.Open();
            using (var setup = connection.CreateCommand())
            {
                setup.CommandText = UsageSchema.Create;
                setup.ExecuteNonQuery();
            }

            return new SqliteUsageSink(connection, command) { Path = path };
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>A view of this sink that marks its records as served by the embedded emulator.</summary>
    public IUsageSink ForEmulated() => new EmulatedView(this);

    /// <inheritdoc />
    public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
    {
        Write(record, emulated: false);
        return ValueTask.CompletedTask;
    }

    /// <summary>Inserts one record and commits it before returning.</summary>
    public void Write(UsageRecord record, bool emulated)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var p = _insert.Parameters;
            p["$ts_ms"].Value = record.Timestamp.ToUnixTimeMilliseconds();
            p["$ts"].Value = record.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            p["$command"].Value = _command;
            p["$deployment"].Value = record.Deployment;
            p["$model"].Value = record.Model;
            p["$response_model"].Value = (object?)record.ResponseModel ?? DBNull.Value;
            p["$user"].Value = (object?)record.Scope.User ?? DBNull.Value;
            p["$tenant"].Value = (object?)record.Scope.Tenant ?? DBNull.Value;
            p["$tag"].Value = (object?)record.Scope.Tag ?? DBNull.Value;
            p["$input"].Value = record.Usage.InputTokenCount;
            p["$output"].Value = record.Usage.OutputTokenCount;
            p["$reasoning"].Value = record.Usage.ReasoningTokenCount;
            p["$cached"].Value = record.Usage.CachedInputTokenCount;
            p["$total"].Value = record.Usage.TotalTokenCount;
            p["$estimated"].Value = record.IsEstimated ? 1 : 0;

            // Money stays exact: decimal as invariant text, NULL when the price is unknown (never 0).
            p["$cost"].Value = record.Cost is { } cost ? cost.ToString(CultureInfo.InvariantCulture) : DBNull.Value;
            p["$currency"].Value = record.Currency;
            p["$outcome"].Value = record.Outcome.ToString();
            p["$status"].Value = record.Status is { } status ? status : DBNull.Value;
            p["$response_id"].Value = (object?)record.ResponseId ?? DBNull.Value;
            p["$emulated"].Value = emulated ? 1 : 0;
            _insert.ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _insert.Dispose();
            _connection.Dispose();
        }
    }

    private sealed class EmulatedView(SqliteUsageSink sink) : IUsageSink
    {
        public ValueTask WriteAsync(UsageRecord record, CancellationToken cancellationToken = default)
        {
            sink.Write(record, emulated: true);
            return ValueTask.CompletedTask;
        }
    }
}
