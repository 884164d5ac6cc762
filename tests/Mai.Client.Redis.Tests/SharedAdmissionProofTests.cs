using Mai.Client.Accounting;
using Mai.Emulator;

namespace Mai.Client.Redis.Tests;

/// <summary>
/// Issue 16's proof: four instances, a hundred concurrent calls each, against a deployment that answers 429 above N tokens per
/// minute. With local limiters each instance believes it has the whole quota; with the shared Redis store they admit together.
/// </summary>
/// <remarks>
/// The instances here are four independent <see cref="MaiClient"/>s in this process, each with its own <c>ConnectionMultiplexer</c>,
/// store and ledger (nothing shared but Redis and the emulator). The window is a real minute: every call starts within a few
/// seconds, so none leaves the window while the test runs, and the result does not depend on timing.
/// </remarks>
public sealed class SharedAdmissionProofTests(RedisServerFixture redis)
{
    private const int Instances = 4;
    private const int CallsPerInstance = 100;
    private const int TokensPerMinute = 1_500;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FourInstances_SharedRedisStore_NearlyNo429sAndNoAdmittedCallLost()
    {
        var connection = redis.Require();
        using var guard = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        guard.CancelAfter(TimeSpan.FromSeconds(60));

        var local = await RunFleetAsync(redisConnection: null, guard.Token);
        var shared = await RunFleetAsync(connection, guard.Token);

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

        // The shared store admitted about what the quota holds: the deployment was used, not starved.
        var reservation = TokenEstimator.Default.EstimatePromptTokens([new(Microsoft.Extensions.AI.ChatRole.User, FleetMember.Prompt)]) + FleetMember.MaxOutputTokens;
        Assert.Equal(TokensPerMinute / reservation, shared.Reports.Sum(r => r.Answered));
    }

    private static async Task<(FleetReport[] Reports, int Sent)> RunFleetAsync(string? redisConnection, CancellationToken cancellationToken)
    {
        var model = EmulatedModel.Gpt4o with { TokensPerMinute = TokensPerMinute };
        var emulatorOptions = new MaiEmulatorOptions();
        emulatorOptions.Models.Add(model);
        await using var emu = await MaiEmulator.StartAsync(emulatorOptions, cancellationToken);
        var prefix = $"proof-{Guid.NewGuid():N}:";

        var reports = await Task.WhenAll(Enumerable.Range(0, Instances).Select(_ =>
            Task.Run(() => FleetMember.RunAsync(emu.Endpoint, emu.ApiKey!, model.Name, TokensPerMinute, redisConnection, prefix, CallsPerInstance, cancellationToken), cancellationToken)));
        var sent = emu.Requests.Count(r => r.PathAndQuery.Contains("/chat/completions", StringComparison.Ordinal));
        return (reports, sent);
    }
}
