using System.Text.Json;
using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using ChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Mai.Client.Transport;

/// <summary>
/// The OpenAI-style chat-completions wire format both transports speak (<c>POST …/chat/completions</c>): the body by
/// <see cref="ChatRequestWriter"/>, responses and chunks by <see cref="CompletionParser"/>, errors by <see cref="ServiceErrorReader"/>,
/// and the <c>stream_options</c> rejection rule of the stream-usage fallback.
/// </summary>
internal sealed class ChatCompletionsWireFormat : IChatWireFormat
{
    /// <summary>See <see cref="AzureInferenceChatClient.UseMaxCompletionTokensKey"/>.</summary>
    public const string UseMaxCompletionTokensKey = "mai.use_max_completion_tokens";

    /// <summary>The last second <see cref="DateTimeOffset.FromUnixTimeSeconds"/> accepts (9999-12-31T23:59:59Z).</summary>
    private const long MaxUnixSeconds = 253402300799;

    private ChatCompletionsWireFormat()
    {
    }

    /// <summary>Gets the one instance (the format is stateless).</summary>
    public static ChatCompletionsWireFormat Instance { get; } = new();

    public string RequestPath => "/chat/completions";

    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders => [];

    public bool SupportsStreamUsageOption => true;

    public PooledBufferWriter WriteRequest(
        IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool stream, bool includeStreamUsage, out bool hasExtraFields) =>
        ChatRequestWriter.Write(messages, options, defaultModelId, stream, includeStreamUsage, out hasExtraFields);

    /// <summary>Tells whether an error says the endpoint does not accept <c>stream_options</c>.</summary>
    public bool RejectsStreamUsageOption(MaiServiceException error) =>
        error.Status is 400 or 422
        && (string.Equals(error.Param, "stream_options", StringComparison.OrdinalIgnoreCase)
            || (error.ServiceMessage?.Contains("stream_options", StringComparison.OrdinalIgnoreCase) ?? false));

    public MaiServiceException ReadError(Response response, SecretScrubber secrets) => ServiceErrorReader.FromErrorResponse(response, secrets);

    public IStreamEventParser CreateStreamParser(Response response, SecretScrubber secrets) => new ChatCompletionsStreamParser(response, secrets);

    /// <summary>Maps a chat-completion body to a <see cref="ChatResponse"/>.</summary>
    public ChatResponse ReadResponse(Response response, ReadOnlyMemory<byte> body, SecretScrubber secrets)
    {
        var parser = new CompletionParser();
        try
        {
            if (body.IsEmpty)
            {
                throw new JsonException("The body is empty.");
            }

            parser.Parse(body.Span);
        }
        catch (JsonException ex)
        {
            throw ServiceErrorReader.InvalidResponse(response, body.IsEmpty ? "the body was empty, not valid JSON" : "the body was not valid JSON", ex, secrets);
        }

        if (parser.HasError)
        {
            throw ServiceErrorReader.FromStreamErrorEvent(response, body.Span, secrets);
        }

        var contents = new List<AIContent>(2);
        if (!string.IsNullOrEmpty(parser.Reasoning))
        {
            contents.Add(new TextReasoningContent(parser.Reasoning));
        }

        if (!string.IsNullOrEmpty(parser.Content))
        {
            contents.Add(new TextContent(parser.Content));
        }

        if (!string.IsNullOrEmpty(parser.Refusal))
        {
            contents.Add(new ErrorContent(parser.Refusal) { ErrorCode = "refusal" });
        }

        foreach (var call in parser.ToolCalls)
        {
            contents.Add(ToolCallAccumulator.CreateCall(call.Id, call.Name, call.Arguments));
        }

        var createdAt = ToDateTime(parser.Created);
        var chatMessage = new ChatMessage(ToRole(parser.Role), contents) { MessageId = parser.Id, CreatedAt = createdAt };
        return new ChatResponse(chatMessage)
        {
            ResponseId = parser.Id,
            ModelId = parser.Model,
            CreatedAt = createdAt,
            FinishReason = ToFinishReason(parser.FinishReason),
            Usage = parser.Usage,
            RawRepresentation = response,
            AdditionalProperties = RateLimitHeaders.Copy(response, null),
        };
    }

    /// <summary>The one finish-reason mapping (responses and chunks).</summary>
    internal static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>The one Unix-time guard: a <c>created</c> outside year 1970..9999 (or 0) is no time.</summary>
    internal static DateTimeOffset? ToDateTime(long? unixSeconds) =>
        unixSeconds is long s && s > 0 && s < MaxUnixSeconds ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    private static ChatRole ToRole(string? role) => role is null or "assistant" ? ChatRole.Assistant : new ChatRole(role);
}
