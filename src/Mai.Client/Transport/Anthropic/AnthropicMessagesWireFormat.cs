using Azure;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>
/// Anthropic's Messages API as a wire format of the transport core (<c>POST {endpoint}/v1/messages</c>, <c>anthropic-version</c>):
/// the body by <see cref="AnthropicRequestWriter"/>, answers by <see cref="AnthropicResponseReader"/>, events by
/// <see cref="AnthropicStreamParser"/>, errors by <see cref="ServiceErrorReader"/> (the error type as the code). Streams always carry usage, so there is no
/// stream-usage option to fall back from.
/// </summary>
internal sealed class AnthropicMessagesWireFormat(ReasoningEffort? defaultEffort) : IChatWireFormat
{
    private static readonly KeyValuePair<string, string>[] s_headers = [new("anthropic-version", AnthropicConstants.ApiVersion)];

    public string RequestPath => AnthropicConstants.MessagesPath;

    public IReadOnlyList<KeyValuePair<string, string>> RequestHeaders => s_headers;

    public bool SupportsStreamUsageOption => false;

    public PooledBufferWriter WriteRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool stream, bool includeStreamUsage, out bool hasExtraFields)
    {
        hasExtraFields = false;
        return AnthropicRequestWriter.Write(messages, options, defaultModelId, defaultEffort, stream);
    }

    public bool RejectsStreamUsageOption(MaiServiceException error) => false;

    public ChatResponse ReadResponse(Response response, ReadOnlyMemory<byte> body, SecretScrubber secrets) => AnthropicResponseReader.Read(response, body, secrets);

    public MaiServiceException ReadError(Response response, SecretScrubber secrets) => ServiceErrorReader.FromErrorResponse(response, secrets, typeIsCode: true);

    public IStreamEventParser CreateStreamParser(Response response, SecretScrubber secrets) => new AnthropicStreamParser(response, secrets);
}
