using System.Text;
using System.Text.RegularExpressions;

namespace Mai.Emulator;

/// <summary>Builds believable, deterministic answer and reasoning text that echoes the prompt's topic.</summary>
internal static partial class TextGenerator
{
    private static readonly string[] s_nouns =
    [
        "context", "details", "trade-offs", "basics", "history", "numbers", "examples", "constraints", "budget", "timeline",
        "risks", "benefits", "structure", "inputs", "outputs", "limits", "costs", "sources", "method", "goal",
    ];

    private static readonly string[] s_adjectives = ["simple", "careful", "practical", "balanced", "clear", "patient", "measured", "direct"];

    private static readonly string[] s_answerTemplates =
    [
        "In practice, {t} depends on the {a} and the {b}.",
        "A useful way to think about {t} is to start with the {a}.",
        "Most people notice the {a} first, then the {b}.",
        "It helps to compare the {a} with the {b} before deciding.",
        "The key point is that {t} rewards a {c} approach.",
        "If you need more detail, look at the {a} and how it affects the {b}.",
        "In short, {t} is {c} once the {a} is clear.",
        "A common mistake is to ignore the {a}.",
        "Experts usually check the {a} twice and keep the {b} in view.",
        "Keep the {b} {c}, and the rest of {t} follows.",
    ];

    private static readonly string[] s_reasoningTemplates =
    [
        "Let me think about the {a} first.",
        "Hmm, the {b} matters here too.",
        "I should keep the answer {c} and clear.",
        "Maybe compare the {a} with the {b}.",
        "Wait, does the {a} change anything? Probably not much.",
        "Okay, I will mention {t} and the {a}.",
        "The {b} could be a trap, so I will be {c}.",
    ];

    private static readonly HashSet<string> s_stopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "with", "this", "that", "what", "which", "who", "how", "why",
        "when", "where", "was", "were", "will", "would", "should", "could", "can", "does", "did", "have", "has", "had", "about",
        "into", "from", "they", "them", "there", "their", "then", "than", "some", "any", "all", "just", "please", "tell", "give",
        "explain", "describe", "write", "make", "me", "my", "our", "its", "it's", "is", "in", "on", "of", "to", "a", "an", "be",
        "do", "i", "we", "us", "so", "if", "or", "as", "at", "by", "many", "much", "more", "most", "very", "also", "use", "using",
        "one", "two", "get", "want", "need", "like", "know", "let", "say", "said", "answer", "question", "short", "brief",
    };

    /// <summary>Up to three distinctive words of <paramref name="prompt"/>, in order; "your question" when none.</summary>
    public static string Topic(string prompt)
    {
        var words = new List<string>();
        foreach (Match m in WordRegex().Matches(prompt))
        {
            var w = m.Value.Trim('\'', '-');
            if (w.Length >= 3 && !s_stopWords.Contains(w) && !words.Contains(w, StringComparer.OrdinalIgnoreCase))
            {
                words.Add(w);
                if (words.Count == 3)
                {
                    break;
                }
            }
        }

        return words.Count == 0 ? "your question" : string.Join(' ', words);
    }

    /// <summary>The last capitalised word of <paramref name="prompt"/> that does not start it ("Honolulu" in "What should I wear in Honolulu?").</summary>
    public static string? ProperNoun(string prompt)
    {
        string? found = null;
        var first = true;
        foreach (Match m in WordRegex().Matches(prompt))
        {
            var w = m.Value.Trim('\'', '-');
            if (!first && w.Length >= 3 && char.IsUpper(w[0]) && !s_stopWords.Contains(w))
            {
                found = w;
            }

            first = false;
        }

        return found;
    }

    public static string Answer(DeterministicRandom rng, string topic, int targetWords) =>
        Compose(rng, topic, targetWords, $"Here is a short answer about {topic}.", s_answerTemplates);

    public static string Reasoning(DeterministicRandom rng, string topic, int targetWords) =>
        Compose(rng, topic, targetWords, $"The user is asking about {topic}.", s_reasoningTemplates);

    public static string ToolResultAnswer(DeterministicRandom rng, string topic, string toolName, string result, int targetWords)
    {
        var lead = $"Based on the {toolName} result, {result.Trim()}.";
        return Compose(rng, topic, Math.Max(1, targetWords / 2), lead, s_answerTemplates);
    }

    public static string Word(DeterministicRandom rng) => rng.Pick(s_nouns);

    private static string Compose(DeterministicRandom rng, string topic, int targetWords, string lead, string[] templates)
    {
        // Verbosity varies by up to ±20 % per request, deterministically.
        var target = Math.Max(1, (int)Math.Round(targetWords * (0.8 + (0.4 * rng.NextDouble()))));
        var sb = new StringBuilder(lead);
        var words = CountWords(lead);
        while (words < target)
        {
            var sentence = rng.Pick(templates)
                .Replace("{t}", topic, StringComparison.Ordinal)
                .Replace("{a}", rng.Pick(s_nouns), StringComparison.Ordinal)
                .Replace("{b}", rng.Pick(s_nouns), StringComparison.Ordinal)
                .Replace("{c}", rng.Pick(s_adjectives), StringComparison.Ordinal);
            sb.Append(' ').Append(sentence);
            words += CountWords(sentence);
        }

        return sb.ToString();
    }

    private static int CountWords(string s) => s.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'\-]*")]
    private static partial Regex WordRegex();
}
