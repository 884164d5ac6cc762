using System.Text;
using System.Text.Json;

namespace Mai.Emulator;

/// <summary>Turns a <see cref="CompletionPlan"/> into the SSE chunks the emulated model would send, quirks included.</summary>
internal sealed class StreamEventBuilder
{
    private readonly CompletionPlan _plan;
    private readonly string _id;
    private readonly long _created;
    private readonly bool _usageNullOnChunks;
    private readonly List<SseEvent> _events = [];
    private int _tokensSoFar;

    private StreamEventBuilder(CompletionPlan plan, ChatRequest request, string id, long created)
    {
        _plan = plan;
        _id = id;
        _created = created;
        _usageNullOnChunks = plan.Model.StreamUsage == UsagePlacement.SeparateChunk && request.IncludeUsage;
        IncludeUsageChunk = plan.Model.StreamUsage switch
        {
            UsagePlacement.SeparateChunk => request.IncludeUsage,
            UsagePlacement.EveryChunk => true,
            _ => false,
        };
    }

    private bool IncludeUsageChunk { get; }

    private UsagePlacement Placement => _plan.Model.StreamUsage;

    public static List<SseEvent> Build(CompletionPlan plan, ChatRequest request, string id, long created)
    {
        var b = new StreamEventBuilder(plan, request, id, created);
        b.BuildAll();
        return b._events;
    }

    private void BuildAll()
    {
        var style = _plan.Model.Reasoning;
        var toolOnly = _plan.ToolCalls.Count > 0 && (_plan.MessageContent ?? string.Empty).Length == 0;

        // First chunk: the role, with an empty (or null) content, like every recorded provider.
        Add(0, false, Delta(w =>
        {
            w.WriteString("role", "assistant");
            if (toolOnly || style == ReasoningStyle.ReasoningContent)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", string.Empty);
            }

            if (style == ReasoningStyle.ReasoningContent)
            {
                w.WriteString("reasoning_content", string.Empty);
            }
        }));

        if (style == ReasoningStyle.ReasoningContent)
        {
            foreach (var piece in Split(_plan.Reasoning))
            {
                Add(EmulatorTokenizer.Count(piece), true, Delta(w =>
                {
                    w.WriteNull("content");
                    w.WriteString("reasoning_content", piece);
                }));
            }
        }

        var content = _plan.MessageContent ?? string.Empty;
        foreach (var piece in Split(content))
        {
            Add(EmulatorTokenizer.Count(piece), true, Delta(w => w.WriteString("content", piece)));
        }

        if (_plan.ToolCalls.Count > 0 && _plan.Model.ToolCalls == ToolCallStyle.Mistral)
        {
            AddMistralToolCalls();
        }
        else
        {
            if (_plan.ToolCalls.Count > 0)
            {
                AddOpenAIToolCalls();
            }

            AddFinish(content.Length > 0 || _plan.ToolCalls.Count == 0);
        }

        if (IncludeUsageChunk)
        {
            _events.Add(new SseEvent(Frame(null, null, UsageValue.Final), 0, false));
        }
    }

    private void AddOpenAIToolCalls()
    {
        for (var i = 0; i < _plan.ToolCalls.Count; i++)
        {
            var call = _plan.ToolCalls[i];
            var index = i;
            Add(EmulatorTokenizer.Count(call.Name), true, Delta(w => ToolCalls(w, () =>
            {
                w.WriteStartObject("function");
                w.WriteString("arguments", string.Empty);
                w.WriteString("name", call.Name);
                w.WriteEndObject();
                w.WriteString("id", call.Id);
                w.WriteNumber("index", index);
                w.WriteString("type", "function");
            })));
            foreach (var fragment in Split(call.Arguments))
            {
                Add(EmulatorTokenizer.Count(fragment), true, Delta(w => ToolCalls(w, () =>
                {
                    w.WriteStartObject("function");
                    w.WriteString("arguments", fragment);
                    w.WriteEndObject();
                    w.WriteNumber("index", index);
                })));
            }
        }
    }

    private void AddMistralToolCalls()
    {
        // Mistral: each whole call in one delta with no index/type; the last one carries finish_reason (and usage).
        for (var i = 0; i < _plan.ToolCalls.Count; i++)
        {
            var call = _plan.ToolCalls[i];
            var isLast = i == _plan.ToolCalls.Count - 1;
            var tokens = EmulatorTokenizer.Count(call.Arguments);
            _tokensSoFar += tokens;
            var delta = Delta(w =>
            {
                w.WriteNull("content");
                ToolCalls(w, () =>
                {
                    w.WriteStartObject("function");
                    w.WriteString("arguments", call.Arguments);
                    w.WriteString("name", call.Name);
                    w.WriteEndObject();
                    w.WriteString("id", call.Id);
                });
            });
            var usage = isLast ? FinishUsage() : ChunkUsage();
            _events.Add(new SseEvent(Frame(delta, isLast ? _plan.FinishReason : null, usage), tokens, true));
        }
    }

    private void AddFinish(bool emptyContentDelta)
    {
        // Azure serverless puts the finish reason on a {"content":""} delta; OpenAI on an empty delta.
        Action<Utf8JsonWriter> delta = Placement == UsagePlacement.LastChunk && emptyContentDelta
            ? w => w.WriteString("content", string.Empty)
            : _ => { };
        _events.Add(new SseEvent(Frame(Delta(delta), _plan.FinishReason, FinishUsage()), 0, false));
    }

    private UsageValue FinishUsage() => Placement switch
    {
        UsagePlacement.LastChunk or UsagePlacement.EveryChunk => UsageValue.Final,
        _ => _usageNullOnChunks ? UsageValue.Null : UsageValue.Omit,
    };

    private UsageValue ChunkUsage() => Placement switch
    {
        UsagePlacement.EveryChunk => UsageValue.SoFar,
        _ => _usageNullOnChunks ? UsageValue.Null : UsageValue.Omit,
    };

    private void Add(int tokens, bool generated, Action<Utf8JsonWriter> delta)
    {
        _tokensSoFar += tokens;
        _events.Add(new SseEvent(Frame(delta, null, ChunkUsage()), tokens, generated));
    }

    private List<string> Split(string text) =>
        _plan.Model.Chunking == StreamChunking.Token ? EmulatorTokenizer.SplitTokens(text) : EmulatorTokenizer.SplitWords(text);

    private static Action<Utf8JsonWriter> Delta(Action<Utf8JsonWriter> members) => w =>
    {
        w.WriteStartObject("delta");
        members(w);
        w.WriteEndObject();
    };

    private static void ToolCalls(Utf8JsonWriter w, Action writeCall)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        writeCall();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private byte[] Frame(Action<Utf8JsonWriter>? delta, string? finishReason, UsageValue usage)
    {
        var json = WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", _id);
            w.WriteString("object", "chat.completion.chunk");
            w.WriteNumber("created", _created);
            w.WriteString("model", _plan.Model.Name);
            w.WriteStartArray("choices");
            if (delta is not null)
            {
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                delta(w);
                if (finishReason is null)
                {
                    w.WriteNull("finish_reason");
                }
                else
                {
                    w.WriteString("finish_reason", finishReason);
                }

                w.WriteNull("logprobs");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            switch (usage)
            {
                case UsageValue.Null:
                    w.WriteNull("usage");
                    break;
                case UsageValue.Final:
                    WireJson.WriteUsage(w, _plan.PromptTokens, _plan.CompletionTokens, _plan.ReasoningTokens, _plan.CachedTokens);
                    break;
                case UsageValue.SoFar:
                    var soFar = Math.Min(_tokensSoFar, _plan.CompletionTokens);
                    WireJson.WriteUsage(w, _plan.PromptTokens, soFar, Math.Min(soFar, _plan.ReasoningTokens), _plan.CachedTokens);
                    break;
            }

            w.WriteEndObject();
        });
        return Sse(json);
    }

    public static byte[] Sse(ReadOnlySpan<byte> json)
    {
        var bytes = new byte[json.Length + 8];
        "data: "u8.CopyTo(bytes);
        json.CopyTo(bytes.AsSpan(6));
        bytes[^2] = (byte)'\n';
        bytes[^1] = (byte)'\n';
        return bytes;
    }

    /// <summary>A chunk whose JSON is cut off, for the malformed-stream fault.</summary>
    public static byte[] Broken(string id) =>
        Encoding.UTF8.GetBytes($"data: {{\"id\":\"{id}\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"broken\n\n");

    private enum UsageValue
    {
        Omit,
        Null,
        SoFar,
        Final,
    }
}
