using Mai.Console.Commands;

namespace Mai.Console.Infrastructure;

/// <summary>
/// Assembles the prompt of <c>mai ask</c> as <c>llm</c> does: text piped on stdin first (or stdin when the prompt is <c>-</c>),
/// then the file of <c>-f FILE</c>, then the argument, separated by a blank line; so <c>cat code.cs | mai "Review this"</c>
/// sends the code followed by the request, and prompts larger than the argument limit work.
/// </summary>
internal static class PromptSource
{
    public static async Task<string> ReadAsync(AskSettings settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var parts = new List<string>();
        if (settings.Stdin || !environment.InteractiveInput)
        {
            var piped = await environment.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(piped))
            {
                parts.Add(piped.TrimEnd());
            }
        }

        if (settings.File is { } file)
        {
            if (!File.Exists(file))
            {
                throw new ArgumentException($"--file '{file}': no such file.");
            }

            var text = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrWhiteSpace(text))
            {
                parts.Add(text.TrimEnd());
            }
        }

        if (settings.Prompt is { } prompt && !string.IsNullOrWhiteSpace(prompt))
        {
            parts.Add(prompt);
        }

        return parts.Count > 0
            ? string.Join("\n\n", parts)
            : throw new ArgumentException("the prompt is empty: pass it as an argument, with -f FILE, or on stdin (echo \"…\" | mai).");
    }
}
