namespace Mai.Emulator;

/// <summary>The non-streaming <c>chat.completion</c> body.</summary>
internal static class CompletionJson
{
    public static byte[] Build(CompletionPlan plan, string id, long created) => WireJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", created);
        w.WriteString("model", plan.Model.Name);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (plan.MessageContent is { } content)
        {
            w.WriteString("content", content);
        }
        else
        {
            w.WriteNull("content");
        }

        if (plan.ReasoningContent is { } reasoning)
        {
            w.WriteString("reasoning_content", reasoning);
        }

        if (plan.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in plan.ToolCalls)
            {
                w.WriteStartObject();
                w.WriteString("id", call.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WriteString("arguments", call.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteString("finish_reason", plan.FinishReason);
        w.WriteNull("logprobs");
        w.WriteEndObject();
        w.WriteEndArray();
        WireJson.WriteUsage(w, plan.PromptTokens, plan.CompletionTokens, plan.ReasoningTokens, plan.CachedTokens);
        w.WriteEndObject();
    });
}
