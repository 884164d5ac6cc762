using System.Text.Json;
using System.Text.RegularExpressions;
using Mai.Client;
using Microsoft.Extensions.AI;

namespace Mai.Console.Compare;

/// <summary>Asks a judge model to score an answer 1–5 against a fixed rubric, as JSON (<c>{"score", "reason"}</c>); its cost is kept apart.</summary>
internal sealed partial class JudgeScorer(MaiClient client, string model)
{
    public const string Rubric = """
        You grade answers from an AI assistant. Score the answer to the user's prompt from 1 to 5:
        5 = correct, complete and concise; follows every instruction in the prompt (format included).
        4 = correct with minor omissions or verbosity.
        3 = partly correct, or correct but ignores a formatting instruction.
        2 = mostly wrong or off-topic, with a little that is useful.
        1 = wrong, harmful, empty or unrelated.
        Reply with JSON only: {"score": <1-5>, "reason": "<one sentence>"}.
        """;

    private static readonly JsonElement ScoreSchema = JsonDocument.Parse("""
        {"type":"object","properties":{"score":{"type":"integer","minimum":1,"maximum":5},"reason":{"type":"string"}},"required":["score","reason"],"additionalProperties":false}
        """).RootElement.Clone();

    public string Model => model;

    /// <summary>Scores one answer; a judge failure or an unreadable verdict gives no score, never an exception.</summary>
    public async Task<(int? Score, decimal? Cost)> ScoreAsync(string prompt, string answer, CancellationToken cancellationToken)
    {
        var context = new MaiCallContext();
        var options = MaiCallContext.Attach(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(ScoreSchema, "verdict"), Temperature = 0 }, context);
        ChatMessage[] messages =
        [
            new(ChatRole.System, Rubric),
            new(ChatRole.User, $"Prompt:\n{prompt}\n\nAnswer:\n{answer}"),
        ];
        try
        {
            var result = await client.AskAsync(messages, options, cancellationToken).ConfigureAwait(false);
            return (ParseScore(result.Answer), Cost(context));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, Cost(context));
        }
    }

    /// <summary>Reads the score from the judge's JSON, or else from the first "score: N" or lone digit 1–5 in its text.</summary>
    internal static int? ParseScore(string verdict)
    {
        try
        {
            using var json = JsonDocument.Parse(verdict.Trim().Trim('`'));
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("score", out var s) && s.TryGetInt32(out var n))
            {
                return n is >= 1 and <= 5 ? n : null;
            }
        }
        catch (JsonException)
        {
        }

        var match = ScorePattern().Match(verdict);
        return match.Success ? int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private static decimal? Cost(MaiCallContext context) =>
        context.UsageRecords.Count == 0 || context.UsageRecords.Any(r => r.Cost is null) ? null : context.UsageRecords.Sum(r => r.Cost!.Value);

    [GeneratedRegex(@"(?i)score\W{0,3}([1-5])\b")]
    private static partial Regex ScorePattern();
}
