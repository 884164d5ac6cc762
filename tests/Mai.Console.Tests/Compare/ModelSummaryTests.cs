using Mai.Console.Compare;

namespace Mai.Console.Tests.Compare;

public class ModelSummaryTests
{
    private static CallMeasurement Ok(int prompt, int ttftMs, int durationMs, long output, decimal? cost, bool? passed = null) => new()
    {
        Model = "m",
        Prompt = prompt,
        Run = 1,
        TimeToFirstToken = TimeSpan.FromMilliseconds(ttftMs),
        Duration = TimeSpan.FromMilliseconds(durationMs),
        InputTokens = 10,
        OutputTokens = output,
        ReasoningTokens = output / 2,
        Cost = cost,
        Currency = "USD",
        Passed = passed,
    };

    [Fact]
    public void From_Calls_ExactPercentilesSpeedCostPassRateAndErrors()
    {
        List<CallMeasurement> calls =
        [
            Ok(1, 100, 600, 100, 0.002m, passed: true),
            Ok(2, 200, 1200, 200, 0.004m, passed: false),
            Ok(3, 300, 1300, 100, 0.003m, passed: true),
            Ok(4, 400, 900, 50, 0.001m),
            new() { Model = "m", Prompt = 5, Run = 1, Error = "HTTP 429", Duration = TimeSpan.FromMilliseconds(50), Cost = 0m, Currency = "USD" },
            new() { Model = "m", Prompt = 6, Run = 1, Error = "HTTP 429", Duration = TimeSpan.FromMilliseconds(50), Cost = 0m, Currency = "USD" },
            new() { Model = "m", Prompt = 7, Run = 1, Error = "stream cut", Duration = TimeSpan.FromMilliseconds(70), Cost = 0.0005m, Currency = "USD" },
        ];

        var summary = ModelSummary.From("m", emulated: false, calls);

        Assert.Equal(7, summary.Calls);
        Assert.Equal(4, summary.Succeeded);
        Assert.Equal(250, summary.TtftP50Ms!.Value, 9);      // 100 200 | 300 400
        Assert.Equal(385, summary.TtftP95Ms!.Value, 9);      // 300 + 0.85 × 100
        Assert.Equal(1050, summary.LatencyP50Ms!.Value, 9);  // 600 900 | 1200 1300
        Assert.Equal(1285, summary.LatencyP95Ms!.Value, 9);  // 1200 + 0.85 × 100

        // 450 output tokens over (0.5 + 1.0 + 1.0 + 0.5) s of generation.
        Assert.Equal(150, summary.OutputTokensPerSecond!.Value, 9);
        Assert.Equal(112.5, summary.MeanOutputTokens, 9);
        Assert.Equal(10, summary.MeanInputTokens, 9);

        // Every call is paid for, failed ones included: 0.0105 over 7 calls.
        Assert.Equal(0.0105m, summary.TotalCost);
        Assert.Equal(0.0015m, summary.CostPerCall);
        Assert.Equal(1.5m, summary.CostPer1000Calls);
        Assert.Equal(2, summary.Passed);
        Assert.Equal(3, summary.Checked);
        Assert.Equal(new Dictionary<string, int> { ["HTTP 429"] = 2, ["stream cut"] = 1 }, summary.Errors);
    }

    [Fact]
    public void From_OneCallWithUnknownCost_CostUnknownNeverZero()
    {
        List<CallMeasurement> calls = [Ok(1, 100, 200, 10, 0.001m), Ok(2, 100, 200, 10, null)];

        var summary = ModelSummary.From("m", emulated: true, calls);

        Assert.Null(summary.TotalCost);
        Assert.Null(summary.CostPerCall);
        Assert.Null(summary.CostPer1000Calls);
        Assert.Equal("unknown", Mai.Console.Compare.Reports.ReportFormat.Money(summary.CostPer1000Calls, summary.Currency));
        Assert.Equal("m (emulated)", summary.DisplayName);
    }
}
