namespace Mai.Emulator;

/// <summary>
/// Counts <c>prompt_tokens</c> with the OpenAI cookbook rule over o200k_base:
/// 3 tokens of reply priming, plus for each message 3 + tokens(role) + tokens(content text)
/// (+ tokens(name) + 1 when it has a name; + tokens(function name) + tokens(arguments) per tool call),
/// plus for each offered tool tokens(name) + tokens(description) + tokens(parameters JSON as sent).
/// Content text is the string content, or the concatenated <c>text</c> parts of an array content (images count 0).
/// </summary>
internal static class PromptTokenCounter
{
    public const int PerMessage = 3;
    public const int ReplyPriming = 3;
    public const int PerName = 1;

    public static int Count(ChatRequest request)
    {
        var total = ReplyPriming;
        foreach (var m in request.Messages)
        {
            total += PerMessage + EmulatorTokenizer.Count(m.Role) + EmulatorTokenizer.Count(m.Content);
            if (!string.IsNullOrEmpty(m.Name))
            {
                total += EmulatorTokenizer.Count(m.Name) + PerName;
            }

            foreach (var call in m.ToolCalls)
            {
                total += EmulatorTokenizer.Count(call.Name) + EmulatorTokenizer.Count(call.Arguments);
            }
        }

        foreach (var tool in request.Tools)
        {
            total += EmulatorTokenizer.Count(tool.Name) + EmulatorTokenizer.Count(tool.Description)
                + (tool.Parameters is { } p ? EmulatorTokenizer.Count(p.GetRawText()) : 0);
        }

        return total;
    }
}
