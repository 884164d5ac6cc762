using Mai.Client;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.AI;

namespace Mai.Console.Compare;

/// <summary>
/// Runs every prompt against every model (<c>runs</c> times each), streaming, at most <c>concurrency</c> calls at once, and
/// measures each call; calls interleave models so each model sees the same conditions over time.
/// </summary>
internal sealed class CompareRunner(TimeProvider time)
{
    public async Task<IReadOnlyList<CallMeasurement>> RunAsync(
        IReadOnlyList<CompareTarget> targets,
        IReadOnlyList<PromptCase> prompts,
        int runs,
        int concurrency,
        JudgeScorer? judge,
        Action<CallMeasurement>? completed,
        CancellationToken cancellationToken)
    {
        var work = new List<(CompareTarget Target, PromptCase Prompt, int Run)>();
        for (var run = 1; run <= runs; run++)
        {
            foreach (var prompt in prompts)
            {
                foreach (var target in targets)
                {
                    work.Add((target, prompt, run));
                }
            }
        }

        var results = new CallMeasurement?[work.Count];
        try
        {
            await Parallel.ForEachAsync(
            Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var (target, prompt, run) = work[i];
                var measurement = await MeasureAsync(target, prompt, run, judge, token).ConfigureAwait(false);
                results[i] = measurement;
                completed?.Invoke(measurement);
            }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: keep what was measured; the calls in flight are dropped (they have no complete measurement).
        }

        return [.. results.OfType<CallMeasurement>()];
    }

    private async Task<CallMeasurement> MeasureAsync(CompareTarget target, PromptCase prompt, int run, JudgeScorer? judge, CancellationToken cancellationToken)
    {
        var context = new MaiCallContext();
        var options = MaiCallContext.Attach(new ChatOptions { ResponseFormat = prompt.Expect?.ResponseFormat, Reasoning = ClientFactoryTransports.ThinkingFor(target.Model) }, context);
        var start = time.GetTimestamp();
        MaiResult? result = null;
        try
        {
            await foreach (var update in target.Client.StreamAsync(prompt.Prompt, options, cancellationToken).ConfigureAwait(false))
            {
                result = update.Result ?? result;
            }

            if (result is null)
            {
                throw new InvalidOperationException("The stream ended without a result.");
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            var spent = Spent(context);
            return new CallMeasurement
            {
                Model = target.Model,
                Prompt = prompt.Number,
                Run = run,
                Error = ErrorKinds.Classify(ex),
                Duration = time.GetElapsedTime(start),
                InputTokens = context.UsageRecords.Sum(r => r.Usage.InputTokenCount),
                OutputTokens = context.UsageRecords.Sum(r => r.Usage.OutputTokenCount),
                ReasoningTokens = context.UsageRecords.Sum(r => r.Usage.ReasoningTokenCount),
                Cost = spent.Cost,
                Currency = spent.Currency,
            };
        }

        (int? Score, decimal? Cost) verdict = default;
        if (judge is not null)
        {
            verdict = await judge.ScoreAsync(prompt.Prompt, result.Answer, cancellationToken).ConfigureAwait(false);
        }

        var usage = result.Usage;
        return new CallMeasurement
        {
            Model = target.Model,
            Prompt = prompt.Number,
            Run = run,
            TimeToFirstToken = result.TimeToFirstToken,
            Duration = result.Duration,
            InputTokens = usage?.InputTokenCount ?? 0,
            OutputTokens = usage?.OutputTokenCount ?? 0,
            ReasoningTokens = usage?.ReasoningTokenCount ?? 0,
            Cost = result.Cost,
            Currency = result.Currency,
            Answer = result.Answer,
            Passed = prompt.Expect?.Check(result.Answer),
            Judged = judge is not null,
            JudgeScore = verdict.Score,
            JudgeCost = verdict.Cost,
        };
    }

    private static (decimal? Cost, string? Currency) Spent(MaiCallContext context)
    {
        var records = context.UsageRecords;
        if (records.Count == 0)
        {
            return (0m, null);
        }

        return (records.Any(r => r.Cost is null) ? null : records.Sum(r => r.Cost!.Value), records[0].Currency);
    }
}
