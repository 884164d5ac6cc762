using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Mai.Client.Redis.Tests;

/// <summary>One throwaway <c>redis-server</c> process on a free loopback port (no persistence) that a test can stop, freeze and restart.</summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _path;
    private Process? _process;

    private RedisServer(string path, int port)
    {
        _path = path;
        Port = port;
    }

    /// <summary>Gets the port the server listens on (the same after a restart).</summary>
    public int Port { get; }

    /// <summary>Gets the <c>127.0.0.1:port</c> configuration string.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>Starts a server on a free port, or returns <see langword="null"/> when redis-server is not installed.</summary>
    public static async Task<RedisServer?> TryStartAsync()
    {
        var path = FindOnPath("redis-server");
        if (path is null)
        {
            return null;
        }

        var server = new RedisServer(path, FreePort());
        await server.StartAsync();
        return server;
    }

    /// <summary>Starts the process (again) on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo(_path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no" })
        {
            start.ArgumentList.Add(arg);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        var connection = $"{ConnectionString},abortConnect=false,connectTimeout=1000";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            timeout.Token.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode} on port {Port}.");
            }

            try
            {
                await using var probe = await ConnectionMultiplexer.ConnectAsync(connection);
                if (probe.IsConnected)
                {
                    await probe.GetDatabase().PingAsync();
                    return;
                }
            }
            catch (RedisException)
            {
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    /// <summary>Kills the process: Redis is down.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    /// <summary>Freezes the process (SIGSTOP): Redis accepts nothing and answers nothing, like a server that is far too slow.</summary>
    public Task FreezeAsync() => SignalAsync("-STOP");

    /// <summary>Lets a frozen process run again (SIGCONT).</summary>
    public Task ThawAsync() => SignalAsync("-CONT");

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await ThawAsync();
        }

        await StopAsync();
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process!.Id.ToString()]);
        await kill.WaitForExitAsync();
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
