using Mai.Client;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Mai.Console.Commands;

/// <summary>
/// <c>mai ask "prompt"</c>: stream (or fetch) one answer. On a terminal the reasoning is shown apart (grey) and a usage line
/// follows on stdout; when stdout is not a terminal it carries the answer alone, and the usage line (and the reasoning, with
/// <c>--show-reasoning</c>) go to stderr.
/// </summary>
internal sealed class AskCommand(CliEnvironment environment) : AsyncCommand<AskSettings>
{
    private ThinkingStatus? _status;

    public override async Task<int> ExecuteAsync(CommandContext context, AskSettings settings, CancellationToken cancellationToken)
    {
        await using var factory = new ClientFactory(environment, "ask");
        try
        {
            var prompt = await PromptSource.ReadAsync(settings, environment, cancellationToken).ConfigureAwait(false);
            using var client = await factory.CreateAsync(settings, cancellationToken).ConfigureAwait(false);
            var options = CallOptions(settings);
            options.Reasoning = ClientFactoryTransports.ThinkingFor(factory.DefaultModel(settings));
            List<ChatMessage> messages = settings.System is { } system
                ? [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, prompt)]
                : [new ChatMessage(ChatRole.User, prompt)];
            MaiResult result;
            if (settings.Json)
            {
                result = await RunQuietAsync(client, settings, messages, options, cancellationToken).ConfigureAwait(false);
                ResultWriter.WriteJson(environment.Output, result);
                return Finish(result, settings);
            }

            var answer = CliConsole.ForAnswer(environment);
            var side = environment.Interactive ? answer : CliConsole.ForError(environment);
            var reasoning = settings.HideReasoning || (!environment.Interactive && !settings.ShowReasoning) ? null : side;
            using (_status = ThinkingStatus.Start(environment, factory.Resolve(settings, model: null).Model ?? "the model"))
            {
                if (settings.NoStream)
                {
                    result = await client.AskAsync(messages, options, cancellationToken).ConfigureAwait(false);
                    _status?.Stop();
                    WriteWhole(answer, reasoning, result);
                }
                else
                {
                    result = await StreamRenderer.RenderAsync(client.StreamAsync(messages, options, cancellationToken), answer, reasoning, cancellationToken, OnUpdate(reasoning is not null)).ConfigureAwait(false);
                    _status?.Stop();
                }
            }

            side.MarkupLine($"[grey]{Markup.Escape(ResultWriter.FormatUsageLine(result))}[/]");
            return Finish(result, settings);
        }
        catch (Exception ex)
        {
            _status?.Stop();
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
            return ErrorReporter.ExitCode(ex);
        }
    }

    /// <summary>The exit code of a finished call: 0, or <see cref="MaiCli.Truncated"/> (with a line on stderr) when the answer was
    /// cut by the token limit.</summary>
    private int Finish(MaiResult result, AskSettings settings)
    {
        if (result.FinishReason != ChatFinishReason.Length)
        {
            return MaiCli.Ok;
        }

        var limit = settings.MaxTokens is { } max ? $"--max-tokens {max}" : "the model's output limit";
        var empty = string.IsNullOrEmpty(result.Answer) ? " The answer is empty: the reasoning used every token." : string.Empty;
        environment.Error.WriteLine($"mai: the answer was cut by the token limit ({limit}; finish_reason: length).{empty} Raise --max-tokens for a whole answer.");
        return MaiCli.Truncated;
    }

    /// <summary>The live status stops at the first visible output: the reasoning when it is shown, else the answer.</summary>
    private Action<MaiUpdateKind>? OnUpdate(bool reasoningShown) => _status is not { } status ? null : kind =>
    {
        if (kind == MaiUpdateKind.Reasoning && !reasoningShown)
        {
            status.Reasoning();
        }
        else
        {
            status.Stop();
        }
    };

    /// <summary>Per-call options: max tokens, temperature, and a call context that reports each retry on stderr as it happens.</summary>
    private ChatOptions CallOptions(AskSettings settings)
    {
        // A failed attempt is shown once it is known to be followed by another: at once when the client waits before
        // retrying, otherwise (failover) when the next attempt is recorded. The final failure is the error line alone.
        MaiAttempt? failover = null;
        var context = new MaiCallContext
        {
            AttemptObserver = attempt =>
            {
                if (failover is not null)
                {
                    _status?.Clear();
                    environment.Error.WriteLine(ResultWriter.FormatAttempt(failover));
                    failover = null;
                }

                if (attempt.Reason == "ok")
                {
                    return;
                }

                if (attempt.Wait > TimeSpan.Zero)
                {
                    _status?.Clear();
                    environment.Error.WriteLine(ResultWriter.FormatAttempt(attempt));
                }
                else
                {
                    failover = attempt;
                }
            },
        };
        var options = new ChatOptions { MaxOutputTokens = settings.MaxTokens, Temperature = (float?)settings.Temperature };
        return MaiCallContext.Attach(options, context);
    }

    private static async Task<MaiResult> RunQuietAsync(MaiClient client, AskSettings settings, List<ChatMessage> messages, ChatOptions options, CancellationToken cancellationToken)
    {
        if (settings.NoStream)
        {
            return await client.AskAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        MaiResult? result = null;
        await foreach (var update in client.StreamAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            result = update.Result ?? result;
        }

        return result ?? throw new InvalidOperationException("The stream ended without a result.");
    }

    private static void WriteWhole(IAnsiConsole answer, IAnsiConsole? reasoning, MaiResult result)
    {
        if (reasoning is not null && result.Reasoning is { } text)
        {
            reasoning.MarkupLine("[grey italic]Thinking…[/]");
            reasoning.MarkupLine($"[grey]{Markup.Escape(text)}[/]");
            if (ReferenceEquals(reasoning, answer))
            {
                answer.WriteLine();
            }
        }

        answer.WriteLine(result.Answer);
    }
}
