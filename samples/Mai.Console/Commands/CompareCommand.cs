using Mai.Client;
using Mai.Console.Compare;
using Mai.Console.Compare.Reports;
using Mai.Console.Infrastructure;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary><c>mai compare</c>: the same prompts against several models, streamed; latency, speed, tokens, cost, errors and quality per model.</summary>
internal sealed class CompareCommand(CliEnvironment environment) : AsyncCommand<CompareSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, CompareSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment, "compare");
        var targets = new List<CompareTarget>();
        MaiClient? judgeClient = null;
        try
        {
            var prompts = settings.Prompts is { } file ? PromptSet.Load(file) : PromptSet.BuiltIn;
            var models = settings.ModelList;
            if (models.Count == 0)
            {
                models = factory.Resolve(settings, model: null).IsEmulated
                    ? CompareSettings.DefaultEmulatedModels.Split(',')
                    : throw new ArgumentException("--models is required when an endpoint is configured (e.g. --models gpt-4o,DeepSeek-R1).");
            }

            foreach (var model in models)
            {
                var connection = await ConnectAsync(factory, settings, model, cancellationToken).ConfigureAwait(false);
                targets.Add(new CompareTarget(model, connection.IsEmulated, factory.CreateClient(settings, connection)));
            }

            JudgeScorer? judge = null;
            var judgeEmulated = false;
            if (settings.Judge is { } judgeModel)
            {
                var connection = await ConnectAsync(factory, settings, judgeModel, cancellationToken).ConfigureAwait(false);
                judgeClient = factory.CreateClient(settings, connection);
                judge = new JudgeScorer(judgeClient, judgeModel);
                judgeEmulated = connection.IsEmulated;
            }

            var runner = new CompareRunner(environment.TimeProvider);
            var start = environment.TimeProvider.GetTimestamp();
            var source = settings.Prompts is null ? "built-in set" : Path.GetFileName(settings.Prompts);
            var calls = await RunWithProgressAsync(runner, targets, prompts, settings, judge, cancellationToken).ConfigureAwait(false);
            var report = CompareReport.Build(targets, calls, source, prompts.Count, settings.Runs, settings.Concurrency,
                environment.TimeProvider.GetElapsedTime(start), environment.TimeProvider.GetUtcNow(), judge, judgeEmulated, prompts);

            // With --json stdout carries the report alone; the notes go to stderr.
            var console = settings.Json ? CliConsole.ForError(environment) : CliConsole.ForOutput(environment);
            if (settings.Json)
            {
                await environment.Output.WriteLineAsync(JsonReportWriter.Write(report)).ConfigureAwait(false);
            }
            else
            {
                console.Write(CompareTable.Build(report, console.Profile.Width));
            }

            if (report.AnyEmulated)
            {
                console.WriteLine("(emulated) = served by the embedded Mai emulator: latency, text and pass rates are synthetic.");
            }

            if (judge is not null)
            {
                console.WriteLine($"judge {judge.Model}{(judgeEmulated ? " (emulated)" : string.Empty)}: {ReportFormat.Money(report.JudgeCost, report.Models.Select(m => m.Currency).FirstOrDefault(c => c is not null))} for judging, not included above.");
            }

            foreach (var path in settings.Out)
            {
                ReportWriter.Write(report, path);
                await environment.Error.WriteLineAsync($"mai: wrote {path}").ConfigureAwait(false);
            }

            if (report.Incomplete)
            {
                await environment.Error.WriteLineAsync($"mai: incomplete: stopped after {calls.Count} of {report.PlannedCalls} calls; the table and reports cover the calls that finished.").ConfigureAwait(false);
                return MaiCli.Cancelled;
            }

            return calls.Any(c => c.Succeeded) ? 0 : 1;
        }
        catch (Exception ex)
        {
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
            return ErrorReporter.ExitCode(ex);
        }
        finally
        {
            foreach (var target in targets)
            {
                target.Client.Dispose();
            }

            judgeClient?.Dispose();
        }
    }

    private static Task<ModelConnection> ConnectAsync(ClientFactory factory, CompareSettings settings, string model, CancellationToken cancellationToken) =>
        factory.ConnectAsync(settings, model, cancellationToken);

    private async Task<IReadOnlyList<CallMeasurement>> RunWithProgressAsync(
        CompareRunner runner, List<CompareTarget> targets, IReadOnlyList<PromptCase> prompts, CompareSettings settings, JudgeScorer? judge, CancellationToken cancellationToken)
    {
        if (!environment.Interactive)
        {
            await environment.Error.WriteLineAsync($"mai: comparing {targets.Count} model(s) × {prompts.Count} prompt(s) × {settings.Runs} run(s), {settings.Concurrency} at a time{(judge is null ? string.Empty : $", judged by {judge.Model}")}…").ConfigureAwait(false);
            return await runner.RunAsync(targets, prompts, settings.Runs, settings.Concurrency, judge, _ => environment.Interrupts.Report("measured"), cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<CallMeasurement> calls = [];
        await CliConsole.ForError(environment).Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var tasks = targets.ToDictionary(t => t.Model, t => ctx.AddTask(Markup.Escape(t.Model + (t.Emulated ? " (emulated)" : string.Empty)), maxValue: prompts.Count * settings.Runs));
                calls = await runner.RunAsync(targets, prompts, settings.Runs, settings.Concurrency, judge, m =>
                {
                    tasks[m.Model].Increment(1);
                    environment.Interrupts.Report("measured");
                }, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return calls;
    }
}
