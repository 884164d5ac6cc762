using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(Mai.Client.Redis.Tests.RedisServerFixture))]

namespace Mai.Client.Redis.Tests;

/// <summary>One throwaway <c>redis-server</c> on loopback for the whole test assembly (no persistence), killed at the end.</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private Process? _process;

    /// <summary>Gets the <c>127.0.0.1:port</c> configuration string, or null when redis-server is not installed.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Gets the connection string, or skips the test when redis-server is not installed.</summary>
    public string Require() => ConnectionString ?? throw SkipNow();

    public async ValueTask InitializeAsync()
    {
        var path = FindOnPath("redis-server");
        if (path is null)
        {
            return;
        }

        var port = FreePort();
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var connection = $"127.0.0.1:{port},abortConnect=false,connectTimeout=1000";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {port}.");
            }

            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(connection);
                if (probe.IsConnected)
                {
                    await probe.GetDatabase().PingAsync();
                    break;
                }
            }
            catch (RedisException)
            {
            }

            await Task.Delay(50, timeout.Token);
        }

        ConnectionString = $"127.0.0.1:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private static Exception SkipNow()
    {
        Assert.Skip("redis-server is not installed: apt-get install redis-server");
        return new UnreachableException();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
