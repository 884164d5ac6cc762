using Mai.Client;
using Spectre.Console;

namespace Mai.Console.Infrastructure;

/// <summary>Writes a stream of <see cref="MaiUpdate"/>s: the answer to one console, the reasoning (grey, under "Thinking…") to another or nowhere.</summary>
internal static class StreamRenderer
{
    /// <summary>Renders <paramref name="updates"/>; <paramref name="reasoning"/> is where reasoning goes (the answer's console on a
    /// terminal, stderr in a pipe) or null to hide it. <paramref name="firstUpdate"/> is called once, when anything arrives.</summary>
    public static async Task<MaiResult> RenderAsync(
        IAsyncEnumerable<MaiUpdate> updates, IAnsiConsole answer, IAnsiConsole? reasoning, CancellationToken cancellationToken, Action<MaiUpdateKind>? onUpdate = null)
    {
        var section = MaiUpdateKind.Completed;
        var answered = false;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            onUpdate?.Invoke(update.Kind);

            // Ctrl+C stops the rendering at once, even when the rest of the stream is already buffered.
            cancellationToken.ThrowIfCancellationRequested();
            switch (update.Kind)
            {
                case MaiUpdateKind.Reasoning when reasoning is not null:
                    if (section != MaiUpdateKind.Reasoning)
                    {
                        reasoning.MarkupLine("[grey italic]Thinking…[/]");
                        section = MaiUpdateKind.Reasoning;
                    }

                    reasoning.Markup($"[grey]{Markup.Escape(update.Text)}[/]");
                    break;
                case MaiUpdateKind.Answer:
                    if (section == MaiUpdateKind.Reasoning)
                    {
                        reasoning!.WriteLine();
                        if (ReferenceEquals(reasoning, answer))
                        {
                            answer.WriteLine();
                        }
                    }

                    section = MaiUpdateKind.Answer;
                    answered = true;
                    answer.Write(new Text(update.Text));
                    break;
                case MaiUpdateKind.ToolCall:
                    (reasoning ?? answer).MarkupLine($"[yellow]tool call: {Markup.Escape(update.ToolCall?.Name ?? "?")}[/]");
                    break;
                case MaiUpdateKind.Completed:
                    if (section == MaiUpdateKind.Reasoning && !ReferenceEquals(reasoning, answer))
                    {
                        reasoning!.WriteLine();
                    }

                    if (answered || ReferenceEquals(reasoning, answer))
                    {
                        answer.WriteLine();
                    }

                    return update.Result!;
            }
        }

        throw new InvalidOperationException("The stream ended without a result.");
    }
}
