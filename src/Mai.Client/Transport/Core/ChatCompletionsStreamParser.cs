using System.Text;
using System.Text.Json;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Maps the <c>data:</c> payloads of one chat-completions stream to updates: each chunk parsed once by <see cref="CompletionParser"/>,
/// reasoning and text deltas as they come, tool-call fragments joined into complete calls on the finishing chunk, refusal and usage
/// on the last update.
/// </summary>
internal sealed class ChatCompletionsStreamParser(Response response, SecretScrubber secrets) : IStreamEventParser
{
    private readonly CompletionParser _parser = new();
    private readonly ToolCallAccumulator _toolCalls = new();
    private StringBuilder? _refusal;
    private UsageDetails? _usage;
    private DateTimeOffset? _createdAt;
    private long? _createdSeconds;
    private bool _sawFinish;

    public bool IsDone { get; private set; }

    public bool IsComplete => IsDone || _sawFinish;

    public int Events { get; private set; }

    public ChatResponseUpdate? HandleData(ReadOnlySpan<byte> data, IStreamBody stream)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            IsDone = true;
            return null;
        }

        Events++;
        try
        {
            _parser.Parse(data);
        }
        catch (JsonException ex)
        {
            stream.Detach(data);
            throw ServiceErrorReader.InvalidResponse(response, $"stream event {Events} was not valid JSON", ex, secrets);
        }

        if (_parser.HasError)
        {
            stream.Detach(data);
            throw ServiceErrorReader.FromStreamErrorEvent(response, data, secrets);
        }

        return MapChunk();
    }

    /// <summary>The last update: tool calls never closed by a finish reason, a refusal, and the usage (once).</summary>
    public ChatResponseUpdate? Finish()
    {
        List<AIContent>? contents = null;
        if (_toolCalls.HasPending)
        {
            _toolCalls.Flush(contents ??= []);
        }

        if (_refusal is not null)
        {
            (contents ??= []).Add(new ErrorContent(_refusal.ToString()) { ErrorCode = "refusal" });
        }

        if (_usage is not null)
        {
            (contents ??= []).Add(new UsageContent(_usage));
        }

        return contents is null ? null : CreateUpdate(contents, null);
    }

    private ChatResponseUpdate? MapChunk()
    {
        if (_parser.Usage is { } usage)
        {
            _usage = usage; // the last one wins: some servers repeat cumulative usage on every chunk
        }

        if (!_parser.HasChoice)
        {
            return null; // prompt_filter_results or usage-only chunk
        }

        // Most chunks carry one delta: size the list for it (a default list would allocate room for four).
        List<AIContent>? contents = null;
        if (!string.IsNullOrEmpty(_parser.Reasoning))
        {
            (contents ??= new List<AIContent>(1)).Add(new TextReasoningContent(_parser.Reasoning));
        }

        if (!string.IsNullOrEmpty(_parser.Content))
        {
            (contents ??= new List<AIContent>(1)).Add(new TextContent(_parser.Content));
        }

        if (!string.IsNullOrEmpty(_parser.Refusal))
        {
            (_refusal ??= new StringBuilder()).Append(_parser.Refusal);
        }

        foreach (var fragment in _parser.ToolCalls)
        {
            _toolCalls.Add(fragment);
        }

        ChatFinishReason? finishReason = null;
        if (_parser.FinishReason is { } reason)
        {
            _sawFinish = true;
            finishReason = ChatCompletionsWireFormat.ToFinishReason(reason);
            if (_toolCalls.HasPending)
            {
                _toolCalls.Flush(contents ??= []);
            }
        }

        return contents is null && finishReason is null ? null : CreateUpdate(contents, finishReason);
    }

    private ChatResponseUpdate CreateUpdate(List<AIContent>? contents, ChatFinishReason? finishReason)
    {
        var id = _parser.Id;
        if (_parser.Created is long created && created != _createdSeconds)
        {
            _createdSeconds = created;
            _createdAt = ChatCompletionsWireFormat.ToDateTime(created);
        }

        return new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = id,
            MessageId = id,
            ModelId = _parser.Model,
            CreatedAt = _createdAt,
            FinishReason = finishReason,
        };
    }
}
