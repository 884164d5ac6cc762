using System.Globalization;
using System.Text;

namespace Mai.Emulator;

/// <summary>Decides the answer for a request: text, reasoning, tool calls or JSON, then applies stop sequences and the token limit.</summary>
internal static class CompletionPlanner
{
    public static CompletionPlan Plan(ChatRequest request, EmulatedModel model, long emulatorSeed, int promptTokens, int cachedTokens)
    {
        var rng = new DeterministicRandom(SeedFor(request, model, emulatorSeed));
        var last = request.Messages[^1];
        var lastUser = request.Messages.LastOrDefault(m => m.Role == "user")?.Content ?? last.Content;
        var topic = TextGenerator.Topic(lastUser);

        var reasoning = model.Reasoning == ReasoningStyle.None ? string.Empty : TextGenerator.Reasoning(rng, topic, model.ReasoningWords);
        if (model.Reasoning == ReasoningStyle.ThinkTags)
        {
            reasoning = "<think>\n" + reasoning + "\n</think>\n\n";
        }

        var toolCalls = ChooseToolCalls(request, model, rng, last, lastUser, topic, out var forced);
        var answer = string.Empty;
        if (toolCalls.Count == 0)
        {
            answer = last.Role == "tool"
                ? TextGenerator.ToolResultAnswer(rng, topic, ToolNameFor(request, last), last.Content, model.AnswerWords)
                : request.Format switch
                {
                    OutputFormat.JsonObject => JsonObjectAnswer(rng, topic, model.AnswerWords),
                    OutputFormat.JsonSchema => JsonValueGenerator.Generate(request.Schema, rng, topic, TextGenerator.ProperNoun(lastUser)),
                    _ => TextGenerator.Answer(rng, topic, model.AnswerWords),
                };
            answer = ApplyStop(answer, request.Stop);
        }

        var finish = toolCalls.Count == 0 ? "stop" : forced && model.ForcedToolCallFinishesWithStop ? "stop" : "tool_calls";

        // Token limit: reasoning is generated first, then the answer or the tool-call arguments.
        var reasoningTokens = EmulatorTokenizer.Count(reasoning);
        var answerTokens = EmulatorTokenizer.Count(answer);
        var callTokens = toolCalls.Sum(c => EmulatorTokenizer.Count(c.Arguments));
        if (request.MaxTokens is { } limit && reasoningTokens + answerTokens + callTokens > limit)
        {
            finish = "length";
            if (reasoningTokens >= limit)
            {
                reasoning = EmulatorTokenizer.Truncate(reasoning, limit);
                answer = string.Empty;
                toolCalls = [];
            }
            else
            {
                var remaining = limit - reasoningTokens;
                answer = EmulatorTokenizer.Truncate(answer, remaining);
                toolCalls = TruncateCalls(toolCalls, remaining);
            }

            reasoningTokens = EmulatorTokenizer.Count(reasoning);
            answerTokens = EmulatorTokenizer.Count(answer);
            callTokens = toolCalls.Sum(c => EmulatorTokenizer.Count(c.Arguments));
        }

        return new CompletionPlan
        {
            Model = model,
            Reasoning = reasoning,
            Answer = answer,
            ToolCalls = toolCalls,
            FinishReason = finish,
            PromptTokens = promptTokens,
            CachedTokens = cachedTokens,
            ReasoningTokens = reasoningTokens,
            CompletionTokens = reasoningTokens + answerTokens + callTokens,
        };
    }

    private static List<ToolCallData> ChooseToolCalls(
        ChatRequest request, EmulatedModel model, DeterministicRandom rng, RequestMessage last, string lastUser, string topic, out bool forced)
    {
        forced = request.ToolChoice is ToolChoiceMode.Required or ToolChoiceMode.Named;
        if (request.Tools.Count == 0 || request.ToolChoice == ToolChoiceMode.None || (last.Role == "tool" && ToolRoundsInTurn(request) >= model.ToolRounds))
        {
            return [];
        }

        List<ToolDefinition> chosen;
        if (request.ToolChoice == ToolChoiceMode.Named)
        {
            var named = request.Tools.FirstOrDefault(t => t.Name == request.ToolChoiceName)
                ?? throw new RequestValidationException("tool_choice", $"Invalid value for 'tool_choice': no function named '{request.ToolChoiceName}' was specified in the 'tools' parameter.");
            chosen = [named];
        }
        else
        {
            chosen = request.Tools.Where(t => lastUser.Contains(t.Name, StringComparison.OrdinalIgnoreCase)).ToList();
            if (chosen.Count > 1 && !request.ParallelToolCalls)
            {
                chosen = [chosen[0]];
            }

            // Draw even when unused so the answer text does not depend on whether tools were offered.
            var draw = rng.NextDouble();
            if (chosen.Count == 0)
            {
                if (request.ToolChoice == ToolChoiceMode.Required)
                {
                    chosen = [request.Tools[0]];
                }
                else if (draw < model.AutoToolCallProbability)
                {
                    chosen = [rng.Pick(request.Tools)];
                }
            }
        }

        return chosen.Select(t => new ToolCallData(
            model.ToolCalls == ToolCallStyle.Mistral ? rng.NextId(9) : "call_" + rng.NextId(24),
            t.Name,
            JsonValueGenerator.Generate(t.Parameters, rng, topic, TextGenerator.ProperNoun(lastUser)))).ToList();
    }

    /// <summary>The rounds of tool calls since the last user message (assistant messages that carry tool calls).</summary>
    private static int ToolRoundsInTurn(ChatRequest request)
    {
        var rounds = 0;
        for (var i = request.Messages.Count - 1; i >= 0 && request.Messages[i].Role != "user"; i--)
        {
            rounds += request.Messages[i].Role == "assistant" && request.Messages[i].ToolCalls.Count > 0 ? 1 : 0;
        }

        return rounds;
    }

    private static List<ToolCallData> TruncateCalls(List<ToolCallData> calls, int budget)
    {
        var result = new List<ToolCallData>();
        foreach (var call in calls)
        {
            if (budget <= 0)
            {
                break;
            }

            var tokens = EmulatorTokenizer.Count(call.Arguments);
            result.Add(tokens <= budget ? call : call with { Arguments = EmulatorTokenizer.Truncate(call.Arguments, budget) });
            budget -= tokens;
        }

        return result;
    }

    private static string ToolNameFor(ChatRequest request, RequestMessage toolMessage)
    {
        var call = request.Messages.SelectMany(m => m.ToolCalls).LastOrDefault(c => c.Id == toolMessage.ToolCallId);
        return string.IsNullOrEmpty(call?.Name) ? "tool" : call.Name;
    }

    private static string JsonObjectAnswer(DeterministicRandom rng, string topic, int words)
    {
        var text = TextGenerator.Answer(rng, topic, Math.Max(1, words / 2));
        return "{\"topic\":" + System.Text.Json.JsonSerializer.Serialize(topic) + ",\"answer\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}";
    }

    private static string ApplyStop(string text, IReadOnlyList<string> stops)
    {
        var cut = text.Length;
        foreach (var stop in stops)
        {
            var i = text.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && i < cut)
            {
                cut = i;
            }
        }

        return text[..cut];
    }

    private static ulong SeedFor(ChatRequest request, EmulatedModel model, long emulatorSeed)
    {
        var sb = new StringBuilder();
        sb.Append(emulatorSeed.ToString(CultureInfo.InvariantCulture)).Append('|')
          .Append(request.Seed?.ToString(CultureInfo.InvariantCulture)).Append('|')
          .Append(model.Name).Append('|').Append((int)request.Format).Append('|');
        foreach (var m in request.Messages)
        {
            sb.Append(m.Role).Append('\u0001').Append(m.Content).Append('\u0002');
            foreach (var c in m.ToolCalls)
            {
                sb.Append(c.Name).Append('\u0003').Append(c.Arguments);
            }
        }

        foreach (var t in request.Tools)
        {
            sb.Append('\u0004').Append(t.Name);
        }

        return DeterministicRandom.Hash(sb.ToString());
    }
}
