using System.Diagnostics;

[assembly: AssemblyFixture(typeof(Mai.Client.Redis.Tests.RedisServerFixture))]

namespace Mai.Client.Redis.Tests;

/// <summary>One throwaway <c>redis-server</c> on loopback for the whole test assembly (no persistence), killed at the end.
/// Tests that stop or freeze Redis start their own with <see cref="StartPrivateAsync"/>.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    /// <summary>Gets the <c>127.0.0.1:port</c> configuration string, or null when redis-server is not installed.</summary>
    public string? ConnectionString => _server?.ConnectionString;

    /// <summary>Gets the connection string, or skips the test when redis-server is not installed.</summary>
    public string Require() => ConnectionString ?? throw SkipNow();

    /// <summary>Starts a server of the test's own (to stop or freeze), or skips the test when redis-server is not installed.</summary>
    public static async Task<RedisServer> StartPrivateAsync() => await RedisServer.TryStartAsync() ?? throw SkipNow();

    public async ValueTask InitializeAsync() => _server = await RedisServer.TryStartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static Exception SkipNow()
    {
        Assert.Skip("redis-server is not installed: apt-get install redis-server");
        return new UnreachableException();
    }
}
