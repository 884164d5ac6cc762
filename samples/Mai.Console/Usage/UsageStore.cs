using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Mai.Console.Usage;

/// <summary>Reads the usage database (read-only: <c>mai usage</c> never creates or changes it).</summary>
internal static class UsageStore
{
    public static IReadOnlyList<StoredCall> Read(string path, DateTimeOffset? since)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var query = connection.CreateCommand();
        query.CommandText = """
            SELECT ts_ms, command, model, deployment, input_tokens, output_tokens, reasoning_tokens, cached_input_tokens,
                   total_tokens, estimated, cost, currency, outcome, emulated
            FROM calls WHERE ts_ms >= $since ORDER BY ts_ms, id
            """;
        query.Parameters.AddWithValue("$since", since?.ToUnixTimeMilliseconds() ?? long.MinValue);
        using var reader = query.ExecuteReader();
        var calls = new List<StoredCall>();
        while (reader.Read())
        {
            calls.Add(new StoredCall(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetInt64(4),
                reader.GetInt64(5),
                reader.GetInt64(6),
                reader.GetInt64(7),
                reader.GetInt64(8),
                reader.GetInt64(9) != 0,
                reader.IsDBNull(10) ? null : decimal.Parse(reader.GetString(10), NumberStyles.Number, CultureInfo.InvariantCulture),
                reader.GetString(11),
                reader.GetString(12),
                reader.GetInt64(13) != 0));
        }

        return calls;
    }
}
