using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Mai.Client.Accounting;
using Mai.Client.Redis;
using StackExchange.Redis;

namespace Mai.Benchmarks;

/// <summary>
/// What TPM/RPM admission costs per attempt: one acquire before it and one settle after, in process (the default) and in Redis
/// (<see cref="RedisRateLimitStore"/>: one Lua script each, so two round trips per attempt).
/// </summary>
/// <remarks>
/// Redis: the server named by <c>MAI_BENCH_REDIS</c> (a StackExchange.Redis configuration string), else a throwaway
/// <c>redis-server</c> started on a free loopback port (it must be on PATH). Loopback hides network latency: add your network's
/// round trip twice per attempt. The quota is far above what a run can use, so no attempt is refused.
/// </remarks>
[MemoryDiagnoser]
public class RateLimitAdmissionBenchmarks
{
    private static readonly DeploymentQuota Quota = new("bench-deployment", tokensPerMinute: int.MaxValue, requestsPerMinute: int.MaxValue);
    private static readonly RateLimitSettlement Settlement = new(UsedTokens: 420, RemainingTokens: null);

    private InMemoryRateLimitStore _local = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisRateLimitStore _redis = null!;
    private Process? _server;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _local = new InMemoryRateLimitStore();
        var configuration = Environment.GetEnvironmentVariable("MAI_BENCH_REDIS") ?? await StartServerAsync();
        _connection = await ConnectionMultiplexer.ConnectAsync(configuration);
        _redis = new RedisRateLimitStore(_connection, new RedisRateLimitStoreOptions { KeyPrefix = $"bench-{Guid.NewGuid():N}:", Timeout = TimeSpan.FromSeconds(5) });
        if (!(await _redis.TryAcquireAsync(Quota, 1)).IsAcquired || _redis.IsFallingBack)
        {
            throw new InvalidOperationException($"Redis at {configuration} did not admit the first attempt.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _redis.DisposeAsync();
        await _connection.DisposeAsync();
        if (_server is { HasExited: false })
        {
            _server.Kill();
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<bool> InMemoryAcquireAndSettle()
    {
        var lease = await _local.TryAcquireAsync(Quota, 512);
        await _local.SettleAsync(lease, Settlement);
        return lease.IsAcquired;
    }

    [Benchmark]
    public async Task<bool> RedisAcquire()
    {
        var lease = await _redis.TryAcquireAsync(Quota, 512);
        return lease.IsAcquired;
    }

    [Benchmark]
    public async Task<bool> RedisAcquireAndSettle()
    {
        var lease = await _redis.TryAcquireAsync(Quota, 512);
        await _redis.SettleAsync(lease, Settlement);
        return lease.IsAcquired;
    }

    private async Task<string> StartServerAsync()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var start = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            start.ArgumentList.Add(arg);
        }

        _server = Process.Start(start) ?? throw new InvalidOperationException("redis-server could not be started; set MAI_BENCH_REDIS.");
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var configuration = $"127.0.0.1:{port},abortConnect=false";
        for (var i = 0; i < 100; i++)
        {
            await using var probe = await ConnectionMultiplexer.ConnectAsync(configuration);
            if (probe.IsConnected)
            {
                return configuration;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"redis-server did not answer on port {port}.");
    }
}
