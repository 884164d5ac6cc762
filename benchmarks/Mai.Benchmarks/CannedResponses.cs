using System.Text;

namespace Mai.Benchmarks;

/// <summary>The exact response bytes every contender parses: one non-streaming answer, two SSE streams and a tool-call answer.</summary>
public static class CannedResponses
{
    public const int StreamChunks = 1000;
    public const int ThinkChunks = 600; // chunks 0..599 are reasoning (chunk 0 is "<think>"), the rest answer text
    public const string Model = "gpt-4o-2024-08-06";
    public const string ReasoningModel = "DeepSeek-R1";

    private const string Created = "1727989992";
    private const string Fingerprint = "fp_5050236cbd";

    private static readonly string[] s_words =
    [
        " the", " model", " streams", " one", " token", " per", " chunk", ",", " and", " each", " chunk", " is", " a",
        " small", " JSON", " object", ".", " Latency", " matters", "\\n",
    ];

    public const string ShortAnswerText = "Hello! I'm doing well, thank you for asking. How can I help you today?";

    /// <summary>A short non-streaming answer, with usage (reasoning and cached details) and the fields Azure OpenAI adds.</summary>
    public static readonly byte[] ShortAnswer = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-AyPq8Zb1x4Vd0y3bL0n9XwHqS2kFo\",\"object\":\"chat.completion\",\"created\":" + Created + ",\"model\":\"" + Model + "\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + ShortAnswerText + "\",\"refusal\":null},"
        + "\"logprobs\":null,\"finish_reason\":\"stop\",\"content_filter_results\":{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},"
        + "\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"},\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}],"
        + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":18,\"total_tokens\":37,\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}},"
        + "\"system_fingerprint\":\"" + Fingerprint + "\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}");

    /// <summary>An answer made of two parallel tool calls.</summary>
    public static readonly byte[] ToolCalls = Encoding.UTF8.GetBytes(
        "{\"id\":\"chatcmpl-AyPqBv2cY9xkT3tR1k0Zt7uJmQw4a\",\"object\":\"chat.completion\",\"created\":" + Created + ",\"model\":\"" + Model + "\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,\"tool_calls\":["
        + "{\"id\":\"call_KN8m2pWQ7dTzC1vG5rHs0aLb\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\",\\\"unit\\\":\\\"celsius\\\"}\"}},"
        + "{\"id\":\"call_Zq4n9sXe2LfV8bJc3tYw6RkM\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"timezone\\\":\\\"Europe/Paris\\\"}\"}}]},"
        + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
        + "\"usage\":{\"prompt_tokens\":82,\"completion_tokens\":51,\"total_tokens\":133,\"prompt_tokens_details\":{\"cached_tokens\":0},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":0}},\"system_fingerprint\":\"" + Fingerprint + "\"}");

    /// <summary>1,000 content chunks, a finish chunk, a usage-only chunk (<c>stream_options.include_usage</c>) and <c>[DONE]</c>.</summary>
    public static readonly byte[] Stream = BuildStream(think: false, StreamChunks);

    /// <summary>1,000 content chunks: <c>&lt;think&gt;</c>, 598 reasoning words, <c>&lt;/think&gt;</c> glued to answer text, then the answer.</summary>
    public static readonly byte[] ThinkStream = BuildStream(think: true, StreamChunks);

    /// <summary>The characters of content (tags included) a client must surface from <see cref="Stream"/>.</summary>
    public static int StreamTextLength { get; } = TextLength(think: false, StreamChunks);

    /// <summary>The characters of content (tags included) a client must surface from <see cref="ThinkStream"/>.</summary>
    public static int ThinkStreamTextLength { get; } = TextLength(think: true, StreamChunks);

    /// <summary>The content text of chunk <paramref name="i"/> as JSON-escaped text.</summary>
    public static string ChunkText(int i, bool think)
    {
        if (think)
        {
            if (i == 0)
            {
                return "<think>";
            }

            if (i == ThinkChunks)
            {
                return " done.</think>The answer";
            }
        }

        return s_words[i % s_words.Length];
    }

    /// <summary>A stream of <paramref name="chunks"/> content chunks (the per-chunk measurement compares two lengths); usage stays the same.</summary>
    public static byte[] BuildStream(bool think, int chunks)
    {
        var model = think ? ReasoningModel : Model;
        var id = think ? "chatcmpl-r1-7c2d9a4f3e1b4c5d8e6f" : "chatcmpl-AyPqEoT6sVb2nR8xW1kLz3Jq9Ym0c";
        var prefix = "data: {\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":" + Created + ",\"model\":\"" + model
            + "\",\"system_fingerprint\":\"" + Fingerprint + "\",\"choices\":[{\"index\":0,\"delta\":{";
        var sb = new StringBuilder(chunks * 220);
        sb.Append(prefix).Append("\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        for (var i = 0; i < chunks; i++)
        {
            sb.Append(prefix).Append("\"content\":\"").Append(ChunkText(i, think)).Append("\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n");
        }

        sb.Append(prefix).Append("},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
        sb.Append("data: {\"id\":\"").Append(id).Append("\",\"object\":\"chat.completion.chunk\",\"created\":").Append(Created)
            .Append(",\"model\":\"").Append(model).Append("\",\"system_fingerprint\":\"").Append(Fingerprint)
            .Append("\",\"choices\":[],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":1000,\"total_tokens\":1019,")
            .Append("\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":")
            .Append(think ? "600" : "0").Append("}}}\n\n");
        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The Anthropic Messages API's stream of the same 1,000 words: message_start (19 input tokens), one text block of 1,000
    /// <c>text_delta</c> events, message_delta (1,000 output tokens), message_stop: the checksum equals <see cref="Stream"/>'s.</summary>
    public static readonly byte[] MessagesStream = BuildMessagesStream(StreamChunks);

    public const string ClaudeModel = "claude-sonnet-4-6";

    /// <summary>A Messages API stream of <paramref name="chunks"/> text deltas.</summary>
    public static byte[] BuildMessagesStream(int chunks)
    {
        var sb = new StringBuilder(chunks * 120);
        sb.Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\",")
            .Append("\"role\":\"assistant\",\"model\":\"").Append(ClaudeModel).Append("\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,")
            .Append("\"usage\":{\"input_tokens\":19,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1}}}\n\n");
        sb.Append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        sb.Append("event: ping\ndata: {\"type\": \"ping\"}\n\n");
        for (var i = 0; i < chunks; i++)
        {
            sb.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"")
                .Append(ChunkText(i, think: false)).Append("\"}}\n\n");
        }

        sb.Append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.Append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},")
            .Append("\"usage\":{\"output_tokens\":1000}}\n\n");
        sb.Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The characters of content (tags included) a client must surface from a stream of <paramref name="chunks"/> chunks.</summary>
    public static int TextLength(bool think, int chunks)
    {
        var total = 0;
        for (var i = 0; i < chunks; i++)
        {
            total += ChunkText(i, think).Replace("\\n", "\n", StringComparison.Ordinal).Length;
        }

        return total;
    }
}
