using Microsoft.ML.Tokenizers;

namespace Mai.Emulator;

/// <summary>The o200k_base tokenizer (gpt-4o) the library also uses, shared by every emulator.</summary>
internal static class EmulatorTokenizer
{
    private static readonly Lazy<Tokenizer> s_tokenizer = new(() => TiktokenTokenizer.CreateForModel("gpt-4o"));

    public static Tokenizer Instance => s_tokenizer.Value;

    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Instance.CountTokens(text);

    /// <summary>Returns the longest prefix of <paramref name="text"/> with at most <paramref name="maxTokens"/> tokens.</summary>
    public static string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0 || text.Length == 0)
        {
            return string.Empty;
        }

        var index = Instance.GetIndexByTokenCount(text, maxTokens, out _, out _);
        return text[..index];
    }

    /// <summary>Splits <paramref name="text"/> into one string per token (pieces of multi-token characters are merged).</summary>
    public static List<string> SplitTokens(string text)
    {
        var pieces = new List<string>();
        if (text.Length == 0)
        {
            return pieces;
        }

        var tokens = Instance.EncodeToTokens(text, out _);
        var start = 0;
        foreach (var token in tokens)
        {
            var end = Math.Min(token.Offset.End.GetOffset(text.Length), text.Length);
            if (end > start)
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        if (start < text.Length)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }

    /// <summary>Splits <paramref name="text"/> into words, each with its leading whitespace; trailing whitespace joins the last word.</summary>
    public static List<string> SplitWords(string text)
    {
        var pieces = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i > start)
            {
                pieces.Add(text[start..i]);
                start = i;
            }
        }

        if (start < text.Length)
        {
            if (pieces.Count == 0)
            {
                pieces.Add(text[start..]);
            }
            else
            {
                pieces[^1] += text[start..];
            }
        }

        return pieces;
    }
}
