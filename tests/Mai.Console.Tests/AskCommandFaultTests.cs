using System.Text.Json;
using Mai.Client.Tests.TestSupport;
using Mai.Console.Infrastructure;
using Mai.Emulator;

namespace Mai.Console.Tests;

/// <summary><c>mai</c> against an emulator scripted with each fault: a non-zero exit, nothing on stdout, one line on stderr, never a hang.</summary>
public class AskCommandFaultTests
{
    public static TheoryData<string, bool, string> Faults => new()
    {
        { "429;retry-after-ms=200", false, "HTTP 429" },
        { "429;retry-after-ms=200", true, "HTTP 429" },
        { "429;x-ms-retry-after-ms=300", true, "HTTP 429" },
        { "429;retry-after=2", false, "HTTP 429" },
        { "500", false, "HTTP 500" },
        { "503", true, "HTTP 503" },
        { "408", false, "HTTP 408" },
        { "reset", false, "no response from the service" },
        { "reset", true, "no response from the service" },
        { "cut;after=5", true, "the stream broke after" },
        { "truncate;after=5", true, "the stream broke after" },
        { "malformed", false, "invalid_response" },
        { "malformed;after=3", true, "the stream broke after" },
        { "content-filter", false, "HTTP 400 content_filter" },
        { "content-filter", true, "HTTP 400 content_filter" },
        { "context-length", false, "HTTP 400 context_length_exceeded" },
        { "context-length", true, "HTTP 400 context_length_exceeded" },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Run_Fault_NonZeroExitStatusOnStderrNothingOnStdout(string fault, bool stream, string expected)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse(fault));
        string[] args = stream
            ? ["--json", "--max-retries", "0", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"]
            : ["--json", "--no-stream", "--max-retries", "0", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"];

        var (code, stdout, stderr) = await AskCommandTests.RunAsync(args);

        Assert.NotEqual(0, code);
        Assert.Equal(string.Empty, stdout);
        var line = Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(expected, line);
        Assert.DoesNotContain(emu.ApiKey!, stderr);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Run_Stall_DeadlineStopsTheCallWithoutHanging()
    {
        var time = new TestClock();
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("stall"));

        var run = RunWithTimeAsync(time, ["--json", "--max-retries", "0", "--timeout", "5", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"]);
        var waits = await time.DriveAsync(run, due => due <= TimeSpan.FromSeconds(5));
        var (code, stdout, stderr) = await run;

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("deadline", stderr);
        Assert.Contains(TimeSpan.FromSeconds(5), waits);
    }

    [Fact]
    public async Task Run_TwoRateLimitsThenSuccess_RetriesShownOnStderrAndAttemptsInJson()
    {
        var time = new TestClock();
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("429;retry-after-ms=200"), EmulatorFault.Parse("429;retry-after-ms=200"));

        var run = RunWithTimeAsync(time, ["--json", "--model", "MAI-Thinking-1", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"]);
        await time.DriveAsync(run, due => due <= TimeSpan.FromSeconds(1));
        var (code, stdout, stderr) = await run;

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var attempts = json.RootElement.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([429, 429, 200], attempts.Select(a => a.GetProperty("status").GetInt32()));
        Assert.Equal([200d, 200d, 0d], attempts.Select(a => a.GetProperty("wait_ms").GetDouble()));
        Assert.All(attempts, a => Assert.Equal("127.0.0.1/MAI-Thinking-1", a.GetProperty("deployment").GetString()));
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Contains("attempt 1 to 127.0.0.1/MAI-Thinking-1 failed: HTTP 429", lines[0]);
        Assert.Contains("waited 200 ms", lines[0]);
        Assert.Contains("attempt 2", lines[1]);
        Assert.Equal(3, emu.Requests.Count);
    }

    [Fact]
    public async Task Run_RetryAfterBeyondCap_FailsAtOnceSayingWhen()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        emu.Script(EmulatorFault.Parse("429;retry-after=120"));

        var (code, stdout, stderr) = await AskCommandTests.RunAsync(["--json", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"]);

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("HTTP 429", stderr);
        Assert.Contains("120 s", stderr);
        Assert.Single(emu.Requests);
    }

    [Fact]
    public async Task Run_BudgetTooSmall_RefusedBeforeAnyRequest()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, stderr) = await AskCommandTests.RunAsync(["--json", "--budget-tokens", "10", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "hello"]);

        Assert.Equal(3, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("mai: refused before sending: Budget exceeded", stderr);
        Assert.Empty(emu.Requests);
    }

    [Fact]
    public async Task Run_BudgetCostOnUnpricedModel_RefusedBeforeAnyRequest()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, _, stderr) = await AskCommandTests.RunAsync(["--json", "--budget-cost", "1", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "MAI-Thinking-1", "hello"]);

        Assert.Equal(3, code);
        Assert.Contains("refused before sending", stderr);
        Assert.Empty(emu.Requests);
    }

    [Fact]
    public async Task Run_UnpricedModel_SaysCostUnknownInsteadOfZero()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, _) = await AskCommandTests.RunAsync(["--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "MAI-Thinking-1", "hello"], terminal: true);

        Assert.Equal(0, code);
        Assert.Contains("cost unknown for MAI-Thinking-1: add a price", stdout);
        // Only the cost part: a fast call's duration can itself read "0.00 s".
        var usageLine = stdout.TrimEnd().Split('\n')[^1];
        Assert.DoesNotContain("0.00", usageLine[usageLine.LastIndexOf('·')..]);
    }

    [Fact]
    public async Task Run_PricedModelJson_CostAmountFromTheUsage()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var (code, stdout, _) = await AskCommandTests.RunAsync(["--json", "--endpoint", emu.Endpoint.ToString(), "--key", emu.ApiKey!, "--model", "gpt-4o", "hello"]);

        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(stdout);
        var usage = json.RootElement.GetProperty("usage");
        var input = usage.GetProperty("input_tokens").GetDecimal();
        var cached = usage.GetProperty("cached_input_tokens").GetDecimal();
        var output = usage.GetProperty("output_tokens").GetDecimal();
        var expected = ((input - cached) * 2.50m + cached * 1.25m + output * 10.00m) / 1_000_000m;
        Assert.Equal(expected, json.RootElement.GetProperty("cost").GetProperty("amount").GetDecimal());
        Assert.Equal("USD", json.RootElement.GetProperty("cost").GetProperty("currency").GetString());
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunWithTimeAsync(TestClock time, string[] args)
    {
        await Task.Yield();
        using var stdout = new StringWriter();
        using var stderr = new SynchronizedWriter();
        var cli = new CliEnvironment(stdout, stderr, _ => null, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        var code = await MaiCli.RunAsync(args, cli, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }
    }
}
