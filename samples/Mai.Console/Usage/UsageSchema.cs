namespace Mai.Console.Usage;

/// <summary>The usage database's one table: a row per billed attempt, as the ledger recorded it.</summary>
internal static class UsageSchema
{
    /// <summary>WAL + synchronous=FULL: each autocommitted insert is on disk when it returns, and readers never block the writer.</summary>
    public const string Create = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA busy_timeout = 5000;
        CREATE TABLE IF NOT EXISTS calls (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            ts_ms INTEGER NOT NULL,
            ts TEXT NOT NULL,
            command TEXT NOT NULL,
            deployment TEXT NOT NULL,
            model TEXT NOT NULL,
            response_model TEXT,
            user TEXT,
            tenant TEXT,
            tag TEXT,
            input_tokens INTEGER NOT NULL,
            output_tokens INTEGER NOT NULL,
            reasoning_tokens INTEGER NOT NULL,
            cached_input_tokens INTEGER NOT NULL,
            total_tokens INTEGER NOT NULL,
            estimated INTEGER NOT NULL,
            cost TEXT,
            currency TEXT NOT NULL,
            outcome TEXT NOT NULL,
            status INTEGER,
            response_id TEXT,
            emulated INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS calls_ts ON calls (ts_ms);
        """;
}
