using Microsoft.ML.Tokenizers;

namespace Mai.Emulator.Tests.TestSupport;

/// <summary>The o200k_base tokenizer, created independently of the emulator, to check its counts.</summary>
internal static class Tok
{
    private static readonly Tokenizer s_tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");

    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : s_tokenizer.CountTokens(text);

    /// <summary>OpenAI cookbook: 3 reply priming + per message (3 + role + content).</summary>
    public static int Prompt(params (string Role, string Content)[] messages) =>
        3 + messages.Sum(m => 3 + Count(m.Role) + Count(m.Content));
}
