using System.Text;
using Azure;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Transport;

/// <summary>
/// One transport with the wire dialect it speaks, for suites that script raw bytes and must run on every transport, the
/// Messages API included: a complete JSON answer, a complete event stream, and events of each kind, all answering "Hi".
/// </summary>
public sealed class RawWire
{
    private static readonly System.Text.Json.JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private RawWire(string name, Func<LoopbackServer, TransportSettings?, IChatClient> create, string okJson, string[] okEvents, bool needsDone, string? usageFirstEvent, Func<string, string> textEvent)
    {
        Name = name;
        _create = create;
        OkJson = okJson;
        OkEvents = okEvents;
        NeedsDone = needsDone;
        UsageFirstEvent = usageFirstEvent;
        TextEvent = textEvent;
    }

    private readonly Func<LoopbackServer, TransportSettings?, IChatClient> _create;

    public static readonly RawWire AzureInference = ChatCompletions(TransportUnderTest.AzureInference);

    public static readonly RawWire OpenAIV1 = ChatCompletions(TransportUnderTest.OpenAIV1);

    public static readonly RawWire AnthropicMessages = new(
        "anthropic-messages",
        (server, s) => new AnthropicMessagesChatClient(new Uri(server.Endpoint, "/anthropic"), new AzureKeyCredential(TransportTestKit.Key), new AnthropicMessagesChatClientOptions
        {
            DefaultModelId = "claude-opus-4-6",
            NetworkTimeout = s?.NetworkTimeout ?? new AnthropicMessagesChatClientOptions().NetworkTimeout,
            HttpClient = s?.HttpClient,
        }, s?.TimeProvider),
        """{"model":"claude-opus-4-6","id":"msg_01A","type":"message","role":"assistant","content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":2}}""",
        [
            MessageStart,
            """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
            """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""",
            """{"type":"content_block_stop","index":0}""",
            """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}""",
            """{"type":"message_stop"}""",
        ],
        needsDone: false,
        MessageStart,
        text => """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""" + Json(text) + "}}");

    /// <summary>Every transport.</summary>
    public static TheoryData<string> Names => ["azure-inference", "openai-v1", "anthropic-messages"];

    private const string MessageStart =
        """{"type":"message_start","message":{"id":"msg_01A","type":"message","role":"assistant","model":"claude-opus-4-6","content":[],"stop_reason":null,"usage":{"input_tokens":25,"output_tokens":1}}}""";

    public string Name { get; }

    /// <summary>Gets a complete 200 JSON answer "Hi" (usage 25 in / 2 out on the Messages API, 5 / 3 on chat completions).</summary>
    public string OkJson { get; }

    /// <summary>Gets the <c>data:</c> payloads of a complete stream answering "Hi" (without <c>[DONE]</c>).</summary>
    public string[] OkEvents { get; }

    /// <summary>Gets a value indicating whether the stream ends with <c>data: [DONE]</c> (chat completions) rather than an event of its own.</summary>
    public bool NeedsDone { get; }

    /// <summary>Gets a first event that reports usage (the Messages API's <c>message_start</c>: 25 input tokens), or none.</summary>
    public string? UsageFirstEvent { get; }

    /// <summary>Gets an event that carries answer text.</summary>
    public Func<string, string> TextEvent { get; }

    public static RawWire Get(string name) => name switch
    {
        "azure-inference" => AzureInference,
        "openai-v1" => OpenAIV1,
        "anthropic-messages" => AnthropicMessages,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    public IChatClient Create(LoopbackServer server, TransportSettings? settings = null) => _create(server, settings);

    /// <summary>A complete JSON answer with <paramref name="text"/>, with or without usage.</summary>
    public string JsonAnswer(string text, bool usage = true) => IsMessages
        ? """{"model":"claude-opus-4-6","id":"msg_01A","type":"message","role":"assistant","content":[{"type":"text","text":""" + Json(text)
            + "}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null" + (usage ? ",\"usage\":{\"input_tokens\":25,\"output_tokens\":2}" : string.Empty) + "}"
        : """{"id":"cmpl-1","object":"chat.completion","created":1727989992,"model":"m-1","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":""" + Json(text)
            + "}}],\"usage\":" + (usage ? """{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}""" : "null") + "}";

    /// <summary>A complete stream whose text arrives in <paramref name="pieces"/>, with or without usage.</summary>
    public string StreamAnswer(IEnumerable<string> pieces, bool usage = true)
    {
        if (IsMessages)
        {
            return Sse(
            [
                """{"type":"message_start","message":{"id":"msg_01A","type":"message","role":"assistant","model":"claude-opus-4-6","content":[],"stop_reason":null""" + (usage ? ",\"usage\":{\"input_tokens\":25,\"output_tokens\":1}" : string.Empty) + "}}",
                """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""",
                .. pieces.Select(TextEvent),
                """{"type":"content_block_stop","index":0}""",
                """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null}""" + (usage ? ",\"usage\":{\"output_tokens\":2}" : string.Empty) + "}",
                """{"type":"message_stop"}""",
            ]);
        }

        return Sse(
        [
            TransportTestKit.Chunk("""{"role":"assistant","content":""}"""),
            .. pieces.Select(TextEvent),
            TransportTestKit.Chunk("{}", "stop", usage ? """{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}""" : null),
        ]) + "data: [DONE]\n\n";
    }

    /// <summary>Gets a value indicating whether this is the Messages API dialect.</summary>
    public bool IsMessages => !NeedsDone;

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, Relaxed);

    /// <summary>The whole body of the complete stream, as it goes on the wire.</summary>
    public string OkStreamBody() => Sse(OkEvents) + (NeedsDone ? "data: [DONE]\n\n" : string.Empty);

    public static string Sse(IEnumerable<string> events) => string.Concat(events.Select(e => "data: " + e + "\n\n"));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public override string ToString() => Name;

    private static RawWire ChatCompletions(TransportUnderTest transport) => new(
        transport.Name,
        (server, s) => transport.Create(server, s),
        TransportTestKit.Completion("Hi"),
        [
            TransportTestKit.Chunk("""{"role":"assistant","content":""}"""),
            TransportTestKit.Chunk("""{"content":"Hi"}"""),
            TransportTestKit.Chunk("{}", "stop", """{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}"""),
        ],
        needsDone: true,
        usageFirstEvent: null,
        text => TransportTestKit.Chunk("{\"content\":" + Json(text) + "}"));
}
