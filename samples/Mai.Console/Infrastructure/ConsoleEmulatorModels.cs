using Mai.Emulator;

namespace Mai.Console.Infrastructure;

/// <summary>
/// The embedded emulator's models as the console serves them: the emulator's defaults with small real-clock pacing, so they
/// differ in latency, speed, verbosity and reasoning style and a 3-model × 20-prompt <c>mai compare</c> finishes in seconds.
/// </summary>
internal static class ConsoleEmulatorModels
{
    public static IReadOnlyList<EmulatedModel> Paced { get; } =
    [
        EmulatedModel.MaiThinking1 with { TimeToFirstToken = TimeSpan.FromMilliseconds(120), TokensPerSecond = 1_500, AnswerWords = 60, ReasoningWords = 40 },
        EmulatedModel.DeepSeekR1 with { TimeToFirstToken = TimeSpan.FromMilliseconds(200), TokensPerSecond = 1_200, AnswerWords = 55, ReasoningWords = 60 },
        EmulatedModel.Gpt4o with { TimeToFirstToken = TimeSpan.FromMilliseconds(60), TokensPerSecond = 2_500, AnswerWords = 50 },
        EmulatedModel.O3Mini with { TimeToFirstToken = TimeSpan.FromMilliseconds(300), TokensPerSecond = 2_000, AnswerWords = 45, ReasoningWords = 70 },
        EmulatedModel.MistralSmall with { TimeToFirstToken = TimeSpan.FromMilliseconds(40), TokensPerSecond = 3_000, AnswerWords = 35 },
        EmulatedModel.ClaudeOpus46 with { TimeToFirstToken = TimeSpan.FromMilliseconds(150), TokensPerSecond = 1_400, AnswerWords = 60, ReasoningWords = 50 },
        EmulatedModel.ClaudeSonnet46 with { TimeToFirstToken = TimeSpan.FromMilliseconds(100), TokensPerSecond = 2_000, AnswerWords = 55, ReasoningWords = 40 },
        EmulatedModel.ClaudeHaiku45 with { TimeToFirstToken = TimeSpan.FromMilliseconds(50), TokensPerSecond = 3_000, AnswerWords = 40, ReasoningWords = 30 },
    ];
}
