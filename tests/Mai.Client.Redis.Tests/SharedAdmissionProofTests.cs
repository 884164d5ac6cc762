using System.Diagnostics;
using Mai.Client.Accounting;
using Mai.Client.Redis.Fleet;
using Mai.Emulator;

namespace Mai.Client.Redis.Tests;

/// <summary>
/// Issue 16's proof: four instances, a hundred concurrent calls each, against a deployment that answers 429 above N tokens per
/// minute. With local limiters each instance believes it has the whole quota; with the shared Redis store they admit together.
/// </summary>
/// <remarks>
/// The instances are four separate processes (<c>Mai.Client.Redis.Fleet</c>), each with its own <c>ConnectionMultiplexer</c>, store,
/// client and ledger, released together by a start barrier on stdin; the same run in one process (four independent clients) is
/// kept as a quicker check. The window is a real minute: every call starts within seconds, so none leaves the window while the
/// test runs, and the counts do not depend on timing.
/// </remarks>
public sealed class SharedAdmissionProofTests(RedisServerFixture redis)
{
    private const int Instances = 4;
    private const int CallsPerInstance = 100;
    private const int TokensPerMinute = 1_500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FourInstances_SharedRedisStore_NearlyNo429sAndNoAdmittedCallLost(bool separateProcesses)
    {
        var connection = redis.Require();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        guard.CancelAfter(TimeSpan.FromSeconds(120));

        var local = await RunFleetAsync(redisConnection: null, separateProcesses, guard.Token);
        var shared = await RunFleetAsync(connection, separateProcesses, guard.Token);

        var local429 = local.Reports.Sum(r => r.Throttled);
        var shared429 = shared.Reports.Sum(r => r.Throttled);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"local: {local.Sent} sent, {local429} 429s, {local.Reports.Sum(r => r.Answered)} answered; shared: {shared.Sent} sent, {shared429} 429s, {shared.Reports.Sum(r => r.Answered)} answered");
        Assert.True(local429 >= 50, $"local limiters: expected a 429 storm, saw {local429} 429s");
        Assert.True(shared429 <= 2, $"shared store: expected (nearly) no 429s, saw {shared429}");
        Assert.True(shared429 * 20 <= local429, $"shared {shared429} vs local {local429}");
        Assert.All(shared.Reports, r => Assert.False(r.FellBack));

        foreach (var (reports, sent) in new[] { local, shared })
        {
            // Every call ended typed (answer, 429 or refusal before sending), and every admitted call left one usage record.
            Assert.All(reports, r => Assert.Empty(r.Failures));
            Assert.Equal(Instances * CallsPerInstance, reports.Sum(r => r.Answered + r.Throttled + r.Refused));
            Assert.All(reports, r => Assert.Equal(r.Answered + r.Throttled, r.UsageRecords));
            Assert.Equal(sent, reports.Sum(r => r.UsageRecords));
        }

        // The shared store admitted what the quota holds: the deployment was used, not starved.
        var reservation = TokenEstimator.Default.EstimatePromptTokens([new(Microsoft.Extensions.AI.ChatRole.User, FleetMember.Prompt)]) + FleetMember.MaxOutputTokens;
        Assert.Equal(TokensPerMinute / reservation, shared.Reports.Sum(r => r.Answered));
    }

    private static async Task<(FleetReport[] Reports, int Sent)> RunFleetAsync(string? redisConnection, bool separateProcesses, CancellationToken cancellationToken)
    {
        var model = EmulatedModel.Gpt4o with { TokensPerMinute = TokensPerMinute };
        var emulatorOptions = new MaiEmulatorOptions();
        emulatorOptions.Models.Add(model);
        await using var emu = await MaiEmulator.StartAsync(emulatorOptions, cancellationToken);
        var prefix = $"proof-{Guid.NewGuid():N}:";

        var reports = separateProcesses
            ? await RunProcessesAsync([emu.Endpoint.ToString(), emu.ApiKey!, model.Name, $"{TokensPerMinute}", redisConnection ?? "local", prefix, $"{CallsPerInstance}"], cancellationToken)
            : await Task.WhenAll(Enumerable.Range(0, Instances).Select(_ => Task.Run(
                () => FleetMember.RunAsync(emu.Endpoint, emu.ApiKey!, model.Name, TokensPerMinute, redisConnection, prefix, CallsPerInstance, null, cancellationToken),
                cancellationToken)));
        var sent = emu.Requests.Count(r => r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal));
        return (reports, sent);
    }

    /// <summary>Starts the instances, waits until each says it is ready, releases them together, and reads their reports.</summary>
    private static async Task<FleetReport[]> RunProcessesAsync(string[] args, CancellationToken cancellationToken)
    {
        var processes = new List<Process>();
        try
        {
            for (var i = 0; i < Instances; i++)
            {
                var start = new ProcessStartInfo("dotnet")
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Mai.Client.Redis.Fleet.dll"));
                foreach (var arg in args)
                {
                    start.ArgumentList.Add(arg);
                }

                processes.Add(Process.Start(start)!);
            }

            foreach (var process in processes)
            {
                var seen = new List<string>();
                while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line && line != "ready")
                {
                    seen.Add(line);
                }

                Assert.True(!process.HasExited, $"instance {process.Id} exited before it was ready: {string.Join('\n', seen)}");
            }

            foreach (var process in processes)
            {
                await process.StandardInput.WriteLineAsync("go");
                await process.StandardInput.FlushAsync(cancellationToken);
            }

            return await Task.WhenAll(processes.Select(async process =>
            {
                var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
                await process.WaitForExitAsync(cancellationToken);
                Assert.True(process.ExitCode == 0, $"instance exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
                return FleetReport.FromJson(output.Trim());
            }));
        }
        finally
        {
            foreach (var process in processes)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }
}
