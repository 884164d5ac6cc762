using System.Text;
using System.Text.Json;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Reads Messages API stream events (<c>message_start</c>, <c>content_block_start/delta/stop</c>, <c>ping</c>, <c>message_delta</c>,
/// <c>message_stop</c>, <c>error</c>) into <see cref="ChatResponseUpdate"/>s: text and thinking deltas as they come, the signature as
/// its own reasoning update (<see cref="TextReasoningContent.ProtectedData"/>), a tool call once its <c>input_json_delta</c> fragments
/// are complete (they split inside keys and values), and one final update with the stop reason and the usage of <c>message_delta</c>,
/// whose counts are the final ones. The event type is read from the payload, so <c>event:</c> lines are not needed.
/// </summary>
internal sealed class AnthropicStreamParser(Response response, SecretScrubber secrets) : IStreamEventParser
{
    private readonly AnthropicUsage _usage = new();
    private readonly Dictionary<long, ToolBlock> _tools = [];
    private string? _id;
    private string? _model;
    private string? _stopReason;
    private string? _stopSequence;
    private bool _finished;
    private bool _started;

    public bool IsDone { get; private set; }

    /// <summary>Gets a value indicating whether the answer is whole: <c>message_stop</c>, or a stop reason in <c>message_delta</c> (the stop event may be lost).</summary>
    public bool IsComplete => IsDone || _stopReason is not null;

    public int Events { get; private set; }

    public ChatResponseUpdate? HandleData(ReadOnlySpan<byte> data, IStreamBody stream)
    {
        Events++;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(data);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            stream.Detach(data);
            throw ServiceErrorReader.InvalidResponse(response, $"stream event {Events} was not valid JSON", ex, secrets);
        }

        using (doc)
        {
            var root = doc.RootElement;
            switch (AnthropicResponseReader.Str(root, "type"))
            {
                case "message_start":
                    _started = true;
                    if (root.TryGetProperty("message", out var message))
                    {
                        _id = AnthropicResponseReader.Str(message, "id");
                        _model = AnthropicResponseReader.Str(message, "model");
                        if (message.TryGetProperty("usage", out var startUsage))
                        {
                            _usage.Read(startUsage);
                        }
                    }

                    return null;
                case "content_block_start":
                    return StartBlock(root);
                case "content_block_delta":
                    return Delta(root);
                case "content_block_stop":
                    return root.TryGetProperty("index", out var stopIndex) && stopIndex.TryGetInt64(out var i) && _tools.Remove(i, out var tool)
                        ? Update(ToolCallAccumulator.CreateCall(tool.Id, tool.Name, tool.Arguments.ToString()))
                        : null;
                case "message_delta":
                    if (root.TryGetProperty("delta", out var delta))
                    {
                        _stopReason = AnthropicResponseReader.Str(delta, "stop_reason") ?? _stopReason;
                        _stopSequence = AnthropicResponseReader.Str(delta, "stop_sequence") ?? _stopSequence;
                    }

                    if (root.TryGetProperty("usage", out var finalUsage))
                    {
                        _usage.Read(finalUsage);
                    }

                    return null;
                case "message_stop" when !_started:
                    // An end without a message (issue 12 item 17): a protocol error, not an empty success.
                    stream.Detach(data);
                    throw ServiceErrorReader.InvalidResponse(response, "the stream ended without a message (no message_start)", null, secrets);
                case "message_stop":
                    IsDone = true;
                    return Finish();
                case "error":
                    stream.Detach(data);
                    // The usage so far travels on the exception, so the failed attempt is metered for what it consumed.
                    throw ServiceErrorReader.FromStreamErrorEvent(response, data, secrets, _usage.HasAny ? _usage.ToUsageDetails() : null, typeIsCode: true);
                default:
                    return null; // ping, and event types added later
            }
        }
    }

    /// <summary>The final update: stop reason (raw value kept in <c>AdditionalProperties["stop_reason"]</c>) and the final usage, once.</summary>
    public ChatResponseUpdate? Finish(IStreamBody stream) => Finish();

    /// <summary>Returns an update with the usage reported so far and forgets it (the core delivers it before a failure).</summary>
    public ChatResponseUpdate? TakeUsage()
    {
        if (_finished || !_usage.HasAny)
        {
            return null;
        }

        _finished = true; // the stream fails right after: no final update may repeat this usage
        return new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(_usage.ToUsageDetails())]) { ResponseId = _id, MessageId = _id, ModelId = _model };
    }

    private ChatResponseUpdate? Finish()
    {
        if (_finished)
        {
            return null;
        }

        _finished = true;
        var final = new ChatResponseUpdate(ChatRole.Assistant, _usage.HasAny ? [new UsageContent(_usage.ToUsageDetails())] : [])
        {
            ResponseId = _id,
            MessageId = _id,
            ModelId = _model,
            FinishReason = AnthropicResponseReader.ToFinishReason(_stopReason),
        };
        if (_stopReason is not null)
        {
            final.AdditionalProperties = new() { ["stop_reason"] = _stopReason };
            if (_stopSequence is not null)
            {
                final.AdditionalProperties["stop_sequence"] = _stopSequence;
            }
        }

        final.AdditionalProperties = AnthropicRateLimitHeaders.Copy(response, final.AdditionalProperties);
        return final;
    }

    private ChatResponseUpdate? StartBlock(JsonElement root)
    {
        if (!root.TryGetProperty("content_block", out var block) || !root.TryGetProperty("index", out var indexElement) || !indexElement.TryGetInt64(out var index))
        {
            return null;
        }

        switch (AnthropicResponseReader.Str(block, "type"))
        {
            case "text" when AnthropicResponseReader.Str(block, "text") is { Length: > 0 } text:
                return Update(new TextContent(text));
            case "thinking" when AnthropicResponseReader.Str(block, "thinking") is { Length: > 0 } thinking:
                return Update(new TextReasoningContent(thinking));
            case "redacted_thinking":
                return Update(AnthropicResponseReader.Redacted(AnthropicResponseReader.Str(block, "data")));
            case "tool_use":
                var tool = new ToolBlock(AnthropicResponseReader.Str(block, "id"), AnthropicResponseReader.Str(block, "name"));
                if (block.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object && input.EnumerateObject().Any())
                {
                    tool.Arguments.Append(input.GetRawText());
                }

                _tools[index] = tool;
                return null;
            default:
                return null; // server tools and their results are the service's business
        }
    }

    private ChatResponseUpdate? Delta(JsonElement root)
    {
        if (!root.TryGetProperty("delta", out var delta))
        {
            return null;
        }

        switch (AnthropicResponseReader.Str(delta, "type"))
        {
            case "text_delta" when AnthropicResponseReader.Str(delta, "text") is { Length: > 0 } text:
                return Update(new TextContent(text));
            case "thinking_delta" when AnthropicResponseReader.Str(delta, "thinking") is { Length: > 0 } thinking:
                return Update(new TextReasoningContent(thinking));
            case "signature_delta" when AnthropicResponseReader.Str(delta, "signature") is { Length: > 0 } signature:
                return Update(new TextReasoningContent(string.Empty) { ProtectedData = signature });
            case "input_json_delta" when root.TryGetProperty("index", out var index) && index.TryGetInt64(out var i) && _tools.TryGetValue(i, out var tool):
                tool.Arguments.Append(AnthropicResponseReader.Str(delta, "partial_json"));
                return null;
            default:
                return null;
        }
    }

    private ChatResponseUpdate Update(AIContent content) =>
        new(ChatRole.Assistant, [content]) { ResponseId = _id, MessageId = _id, ModelId = _model };

    private sealed class ToolBlock(string? id, string? name)
    {
        public string? Id { get; } = id;

        public string? Name { get; } = name;

        public StringBuilder Arguments { get; } = new();
    }
}
