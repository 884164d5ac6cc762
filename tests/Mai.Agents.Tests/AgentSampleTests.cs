using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Mai.Agents.Tests;

/// <summary><c>samples/Mai.Samples.Agent</c>, built beside these tests, runs offline as a process and shows what it says it shows.</summary>
public sealed partial class AgentSampleTests
{
    [Fact]
    public async Task Sample_RunsOfflineOnTheEmbeddedEmulator_ShowsRetriesFailoverUsageReasoningAndTheBudgetStop()
    {
        var (code, stdout, stderr) = await RunSampleAsync();

        Assert.True(code == 0, $"exit code {code}\n{stdout}\n{stderr}");
        var runs = stdout.Split("\n== Run ");
        Assert.Equal(4, runs.Length);

        // Run 1: 429 retried, 503 failed over to Claude, the tool round answered; usage of the whole run, cost known.
        Assert.Contains("attempt:   mai-primary: HTTP 429 (429); waited 200 ms, then retried", runs[1]);
        Assert.Contains("attempt:   mai-primary: HTTP 503 (ServiceUnavailable); waited 0 ms, then failed over", runs[1]);
        Assert.Contains("attempt:   claude-fallback: ok", runs[1]);
        Assert.Equal(3, Regex.Count(runs[1], "^tool: ", RegexOptions.Multiline));
        Assert.Contains("usage:     4 model calls (2 answered)", runs[1]);
        AssertReasoningApart(runs[1]);
        Assert.DoesNotContain("cost unknown", runs[1]);

        // Run 2: Claude on the Messages API, streamed; thinking apart from the answer.
        Assert.Contains("usage:     2 model calls (2 answered)", runs[2]);
        Assert.Matches(@"reasoning: \S.* \(\d+ characters, streamed apart\)", runs[2]);
        AssertReasoningApart(runs[2]);

        // Run 3: the budget stops the loop before the next request; the budget equals the records, one per request.
        var stop = StopLine().Match(runs[3]);
        Assert.True(stop.Success, runs[3]);
        var budget = BudgetLine().Match(runs[3]);
        Assert.True(budget.Success, runs[3]);
        var requests = int.Parse(budget.Groups["requests"].Value, CultureInfo.InvariantCulture);
        Assert.Equal(requests + 1, int.Parse(stop.Groups["next"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(budget.Groups["spent"].Value, budget.Groups["recorded"].Value);
        Assert.Equal(requests, int.Parse(budget.Groups["records"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(requests, int.Parse(budget.Groups["tools"].Value, CultureInfo.InvariantCulture));
        Assert.InRange(requests, 3, 39);
        Assert.Contains($"usage:     {requests} model calls ({requests} answered)", runs[3]);
        Assert.Equal(string.Empty, stderr);
    }

    private static void AssertReasoningApart(string run)
    {
        var reasoning = Regex.Match(run, "^reasoning: (.+)$", RegexOptions.Multiline).Groups[1].Value;
        var answer = Regex.Match(run, "^answer:    (.+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.StartsWith("Based on the get_", answer);
        Assert.False(string.IsNullOrWhiteSpace(reasoning));
        Assert.DoesNotContain("<think>", answer);
        Assert.DoesNotContain(reasoning[..30], answer);
    }

    [GeneratedRegex(@"^stopped:   BudgetExceededException before request (?<next>\d+) was sent: .*budget 'agent run'.*No request was sent\.\r?$", RegexOptions.Multiline)]
    private static partial Regex StopLine();

    [GeneratedRegex(@"^budget:    (?<spent>[\d,]+) of 4,000 tokens spent = the (?<records>\d+) usage records' (?<recorded>[\d,]+) tokens; (?<requests>\d+) requests reached the emulator, (?<tools>\d+) tool results\r?$", RegexOptions.Multiline)]
    private static partial Regex BudgetLine();

    private static async Task<(int Code, string Stdout, string Stderr)> RunSampleAsync()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Mai.Samples.Agent.dll"));
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
