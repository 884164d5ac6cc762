using Mai.Client;
using Spectre.Console;

namespace Mai.Console.Infrastructure;

/// <summary>Writes a stream of <see cref="MaiUpdate"/>s to a console: reasoning in grey under "Thinking…", then the answer apart.</summary>
internal static class StreamRenderer
{
    public static async Task<MaiResult> RenderAsync(IAsyncEnumerable<MaiUpdate> updates, IAnsiConsole console, CancellationToken cancellationToken)
    {
        var section = MaiUpdateKind.Completed;
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            switch (update.Kind)
            {
                case MaiUpdateKind.Reasoning:
                    if (section != MaiUpdateKind.Reasoning)
                    {
                        console.MarkupLine("[grey italic]Thinking…[/]");
                        section = MaiUpdateKind.Reasoning;
                    }

                    console.Markup($"[grey]{Markup.Escape(update.Text)}[/]");
                    break;
                case MaiUpdateKind.Answer:
                    if (section == MaiUpdateKind.Reasoning)
                    {
                        console.WriteLine();
                        console.WriteLine();
                    }

                    section = MaiUpdateKind.Answer;
                    console.Write(new Text(update.Text));
                    break;
                case MaiUpdateKind.ToolCall:
                    console.MarkupLine($"[yellow]tool call: {Markup.Escape(update.ToolCall?.Name ?? "?")}[/]");
                    break;
                case MaiUpdateKind.Completed:
                    console.WriteLine();
                    return update.Result!;
            }
        }

        throw new InvalidOperationException("The stream ended without a result.");
    }
}
