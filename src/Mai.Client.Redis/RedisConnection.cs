using StackExchange.Redis;

namespace Mai.Client.Redis;

/// <summary>
/// The connection a Redis store works on: one the caller owns (used, never disposed), or one the store opens on first use
/// from a configuration string and owns. A failed connect is not cached: the next call tries again.
/// </summary>
internal sealed class RedisConnection : IDisposable, IAsyncDisposable
{
    private readonly ConfigurationOptions? _configuration;
    private readonly SemaphoreSlim _connectGate = new(1, 1);
    private IConnectionMultiplexer? _connection;

    /// <summary>Initializes a new instance on a connection the caller owns.</summary>
    public RedisConnection(IConnectionMultiplexer connection) => _connection = connection;

    /// <summary>Initializes a new instance that connects on first use and owns its connection.</summary>
    public RedisConnection(ConfigurationOptions configuration) => _configuration = configuration;

    private bool OwnsConnection => _configuration is not null;

    /// <summary>Gets the database, connecting first when the store owns a connection not yet open.</summary>
    public async ValueTask<IDatabase> GetDatabaseAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } connection)
        {
            return connection.GetDatabase();
        }

        await _connectGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _connection ??= await ConnectionMultiplexer.ConnectAsync(_configuration!).ConfigureAwait(false);
            return _connection.GetDatabase();
        }
        finally
        {
            _connectGate.Release();
        }
    }

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    public void Dispose()
    {
        if (OwnsConnection)
        {
            _connection?.Dispose();
        }

        _connectGate.Dispose();
    }

    /// <summary>Closes the connection if the store opened it; a connection the caller passed in is left open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (OwnsConnection && _connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }

        _connectGate.Dispose();
    }
}
