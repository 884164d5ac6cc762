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
            var piped = await ReadStdinAsync(settings, environment, cancellationToken).ConfigureAwait(false);
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

    /// <summary>
    /// Reads stdin to its end. With a prompt in the argument or a file, stdin that stays silent (an inherited pipe nobody writes
    /// to, as in some CI runners) would hang <c>mai</c> forever: after <see cref="CliEnvironment.StdinGrace"/> without a byte or
    /// an end, the argument is sent alone and stderr says so. <c>-</c> (or <c>--stdin</c>) always waits.
    /// </summary>
    private static async Task<string> ReadStdinAsync(AskSettings settings, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var hasOtherPrompt = !string.IsNullOrWhiteSpace(settings.Prompt) || settings.File is not null;
        if (settings.Stdin || !hasOtherPrompt)
        {
            return await environment.Input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        }

        var input = environment.Input;
        var first = Task.Run(input.Peek, CancellationToken.None);
        var grace = Task.Delay(environment.StdinGrace, environment.TimeProvider, cancellationToken);
        if (await Task.WhenAny(first, grace).ConfigureAwait(false) != first)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await environment.Error.WriteLineAsync(
                $"mai: nothing arrived on stdin within {environment.StdinGrace.TotalSeconds:0.#} s; sending the prompt without it (pass - to wait for stdin, or < /dev/null to skip it).").ConfigureAwait(false);
            return string.Empty;
        }

        return await input.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
    }
}
