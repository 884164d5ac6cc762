using System.Text.Json;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Maps a Messages API JSON body to a <see cref="ChatResponse"/>, and shared block/stop-reason mappings.</summary>
internal static class AnthropicResponseReader
{
    public static ChatResponse Read(Response response, ReadOnlyMemory<byte> body, Errors.SecretScrubber secrets)
    {
        JsonDocument doc;
        try
        {
            if (body.IsEmpty)
            {
                throw new JsonException("The body is empty.");
            }

            doc = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw Errors.ServiceErrorReader.InvalidResponse(response, body.IsEmpty ? "the body was empty, not valid JSON" : "the body was not valid JSON", ex, secrets);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Errors.ServiceErrorReader.InvalidResponse(response, "the body was not a JSON object", null, secrets);
            }

            if (Str(root, "type") == "error")
            {
                throw ServiceErrorReader.FromStreamErrorEvent(response, body.Span, secrets, typeIsCode: true);
            }

            var contents = new List<AIContent>();
            if (root.TryGetProperty("content", out var blocks) && blocks.ValueKind == JsonValueKind.Array)
            {
                foreach (var block in blocks.EnumerateArray())
                {
                    if (BlockContent(block) is { } content)
                    {
                        contents.Add(content);
                    }
                }
            }

            var usage = new AnthropicUsage();
            if (root.TryGetProperty("usage", out var u))
            {
                usage.Read(u);
            }

            var id = Str(root, "id");
            var stopReason = Str(root, "stop_reason");
            var message = new ChatMessage(ChatRole.Assistant, contents) { MessageId = id };
            return new ChatResponse(message)
            {
                ResponseId = id,
                ModelId = Str(root, "model"),
                FinishReason = ToFinishReason(stopReason),
                Usage = usage.HasAny ? usage.ToUsageDetails() : null,
                RawRepresentation = response,
                AdditionalProperties = AnthropicRateLimitHeaders.Copy(response, StopProperties(root, stopReason)),
            };
        }
    }

    /// <summary>One whole content block: text, thinking (signature kept), redacted thinking (opaque), tool use; server-side blocks are skipped.</summary>
    public static AIContent? BlockContent(JsonElement block)
    {
        switch (Str(block, "type"))
        {
            case "text":
                return new TextContent(Str(block, "text") ?? string.Empty);
            case "thinking":
                return new TextReasoningContent(Str(block, "thinking") ?? string.Empty) { ProtectedData = Str(block, "signature") };
            case "redacted_thinking":
                return Redacted(Str(block, "data"));
            case "tool_use":
                return ToolCallAccumulator.CreateCall(Str(block, "id"), Str(block, "name"),
                    block.TryGetProperty("input", out var input) ? input.GetRawText() : null);
            default:
                return null;
        }
    }

    public static TextReasoningContent Redacted(string? data) =>
        new(string.Empty) { ProtectedData = data, AdditionalProperties = new() { [AnthropicConstants.RedactedThinkingKey] = true } };

    /// <summary><c>end_turn</c>/<c>stop_sequence</c> → stop, <c>max_tokens</c> → length, <c>tool_use</c> → tool calls, <c>refusal</c> → content
    /// filter; <c>pause_turn</c> (a server tool paused a long turn: send the answer back to continue) and anything new keep their own value.</summary>
    public static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
        "max_tokens" or "model_context_window_exceeded" => ChatFinishReason.Length,
        "tool_use" => ChatFinishReason.ToolCalls,
        "refusal" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>The raw stop reason and stop sequence, kept for callers who need the difference (<c>stop_sequence</c> vs <c>end_turn</c>).</summary>
    public static AdditionalPropertiesDictionary? StopProperties(JsonElement holder, string? stopReason)
    {
        if (stopReason is null)
        {
            return null;
        }

        var properties = new AdditionalPropertiesDictionary { ["stop_reason"] = stopReason };
        if (Str(holder, "stop_sequence") is { } sequence)
        {
            properties["stop_sequence"] = sequence;
        }

        return properties;
    }

    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
