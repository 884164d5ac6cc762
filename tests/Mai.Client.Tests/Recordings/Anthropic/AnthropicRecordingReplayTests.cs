using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mai.Client.Errors;
using Mai.Client.Tests.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Recordings.Anthropic;

/// <summary>
/// Replays every recorded Messages API exchange of ../shared/fixtures/recorded-anthropic byte for byte over loopback through the whole
/// <see cref="MaiClient"/> pipeline (Messages transport chosen from the <c>/anthropic</c> path), and checks each fact against what the
/// recording itself says (read here independently of the library): answer, reasoning, signatures, redacted blocks, tool calls, stop
/// reason, usage (cache reads and writes apart) and errors (status, type, request id). A few facts are also pinned by hand.
/// </summary>
public sealed class AnthropicRecordingReplayTests
{
    private const string Absent = "absent: ../shared/fixtures/recorded-anthropic not found beside the checkout";

    public static TheoryData<string> Exchanges()
    {
        var data = new TheoryData<string>();
        if (AnthropicRecordingLoader.FindRoot() is { } root)
        {
            foreach (var exchange in AnthropicRecordingLoader.LoadAll(root))
            {
                data.Add(exchange.ToString());
            }
        }
        else
        {
            data.Add(Absent);
        }

        return data;
    }

    [Fact]
    public void Loader_FindsEveryRecordedExchange()
    {
        var all = Load();

        Assert.Equal(45, all.Count);
        Assert.Equal((16, 8), (all.Count(e => e.IsEventStream), all.Count(e => e.Status >= 400))); // 45 exchanges: 16 streamed, 8 errors (400 ×3, 401 ×2, 404 ×3)
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Replay_RecordedExchange_EveryFactRightThroughThePipeline(string exchange)
    {
        var recorded = Load().Single(e => e.ToString() == exchange);
        var expected = Expected.From(recorded);

        var observed = await ReplayAsync(recorded);

        Assert.Equal(expected.ErrorStatus, observed.ErrorStatus);
        Assert.Equal(expected.ErrorCode, observed.ErrorCode);
        Assert.Equal(expected.RequestId, observed.RequestId);
        if (expected.ErrorStatus is not null)
        {
            return;
        }

        Assert.Equal(expected.Answer, observed.Answer);
        Assert.Equal(expected.Reasoning, observed.Reasoning);
        Assert.Equal(expected.Signatures, observed.Signatures);
        Assert.Equal(expected.Redacted, observed.Redacted);
        Assert.Equal(expected.ToolCalls.Select(c => c.Id), observed.ToolCalls.Select(c => c.Id));
        Assert.Equal(expected.ToolCalls.Select(c => c.Name), observed.ToolCalls.Select(c => c.Name));
        for (var i = 0; i < expected.ToolCalls.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected.ToolCalls[i].Input, observed.ToolCalls[i].Input), $"{exchange}: tool call {i} input {observed.ToolCalls[i].Input}");
        }

        Assert.Equal(expected.FinishReason, observed.FinishReason);
        Assert.Equal(expected.Usage, observed.Usage);
    }

    [Fact]
    public async Task Replay_WorkedExample_ThinkingThenEmptyToolCallWithMessageDeltaUsage()
    {
        var recorded = Load().Single(e => e.ToString() == "simonw-llm-anthropic/test_fixed_version_tool_chain_with_thinking_display_regression.yaml#0");

        var observed = await ReplayAsync(recorded);

        Assert.Equal(ChatFinishReason.ToolCalls, observed.FinishReason);
        var call = Assert.Single(observed.ToolCalls);
        Assert.Equal("fixed_version", call.Name);
        Assert.Equal("{}", call.Input!.ToJsonString());
        Assert.StartsWith("The user wants me to:\n1", observed.Reasoning, StringComparison.Ordinal);
        Assert.StartsWith("EoQDCm0I", Assert.Single(observed.Signatures), StringComparison.Ordinal);
        Assert.Equal(new UsageFacts(598, 92, 53, 0, 0), observed.Usage);
    }

    [Fact]
    public async Task Replay_CacheProgression_InputIncludesCacheReadsAndWrites()
    {
        var all = Load().Where(e => e.File == "Mirascope-mirascope/test_caching_multi_turn_conversation/anthropic_claude_sonnet_4_0.yaml").ToList();

        var usages = new List<UsageFacts?>();
        foreach (var exchange in all)
        {
            usages.Add((await ReplayAsync(exchange)).Usage);
        }

        Assert.Equal([4173, 3 + 4597, 3 + 598 + 4597], usages.Select(u => u!.Input));
        Assert.Equal([0, 0, 4597], usages.Select(u => u!.CacheRead));
        Assert.Equal([0, 4597, 598], usages.Select(u => u!.CacheWrite));
    }

    [Fact]
    public async Task Replay_StreamCutAfterContentBlockStop_IsTruncated()
    {
        var recorded = Load().Single(e => e.File == "DataDog-dd-trace-py/anthropic_completion_stream_malformed.yaml");

        var observed = await ReplayAsync(recorded);

        Assert.Equal(StreamTruncatedException.Code, observed.ErrorCode);
    }

    [Fact]
    public async Task Replay_HandAuthoredRefusal_ContentFilterStreamedAndNot()
    {
        foreach (var recorded in Load().Where(e => e.File.StartsWith("vercel-ai/anthropic-refusal", StringComparison.Ordinal)))
        {
            var observed = await ReplayAsync(recorded);

            Assert.Equal(ChatFinishReason.ContentFilter, observed.FinishReason);
            Assert.Equal(string.Empty, observed.Answer);
        }
    }

    private static List<AnthropicExchange> Load()
    {
        var root = AnthropicRecordingLoader.FindRoot();
        if (root is null)
        {
            Assert.Skip(Absent);
        }

        return AnthropicRecordingLoader.LoadAll(root!);
    }

    private static async Task<Observed> ReplayAsync(AnthropicExchange recorded)
    {
        var reply = new ScriptedReply
        {
            Status = recorded.Status,
            Reason = "Recorded",
            Headers = [.. recorded.Headers],
            Body = recorded.IsEventStream ? null : recorded.Body,
            Parts = recorded.IsEventStream ? [.. recorded.Body.Chunk(97)] : null, // odd-sized writes: events straddle reads
        };
        await using var server = new LoopbackServer(reply);
        var options = new MaiClientOptions
        {
            Endpoint = new Uri(server.Endpoint, "/anthropic"),
            Model = "claude-recorded",
            ApiKey = "recorded-key",
        };
        options.Resilience.MaxRetries = 0;
        using var client = new MaiClient(options);
        var observed = new Observed();
        try
        {
            MaiResult result;
            if (recorded.Streaming)
            {
                MaiResult? completed = null;
                await foreach (var update in client.StreamAsync("Hello", null, TransportTestKit.Guard(60)))
                {
                    completed = update.Result ?? completed;
                }

                result = completed!;
            }
            else
            {
                result = await client.AskAsync("Hello", null, TransportTestKit.Guard(60));
            }

            observed.Read(result);
        }
        catch (MaiServiceException ex)
        {
            observed.ErrorStatus = ex is StreamTruncatedException ? null : ex.Status;
            observed.ErrorCode = ex.ErrorCode;
            observed.RequestId = ex is StreamTruncatedException ? null : ex.RequestId;
        }

        Assert.Equal("/anthropic/v1/messages", Assert.Single(server.Requests).Target);
        return observed;
    }

    public sealed record UsageFacts(long Input, long Output, long? Reasoning, long CacheRead, long CacheWrite);

    public sealed record ToolCallFacts(string Id, string Name, JsonNode? Input);

    private sealed class Observed
    {
        public string Answer { get; set; } = string.Empty;

        public string Reasoning { get; set; } = string.Empty;

        public List<string> Signatures { get; } = [];

        public List<string> Redacted { get; } = [];

        public List<ToolCallFacts> ToolCalls { get; } = [];

        public ChatFinishReason? FinishReason { get; set; }

        public UsageFacts? Usage { get; set; }

        public int? ErrorStatus { get; set; }

        public string? ErrorCode { get; set; }

        public string? RequestId { get; set; }

        public void Read(MaiResult result)
        {
            Answer = result.Answer;
            Reasoning = result.Reasoning ?? string.Empty;
            foreach (var reasoning in result.Response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>())
            {
                if (reasoning.AdditionalProperties?.ContainsKey("anthropic.redacted_thinking") == true)
                {
                    Redacted.Add(reasoning.ProtectedData!);
                }
                else if (!string.IsNullOrEmpty(reasoning.ProtectedData))
                {
                    Signatures.Add(reasoning.ProtectedData);
                }
            }

            foreach (var call in result.ToolCalls)
            {
                ToolCalls.Add(new(call.CallId, call.Name, JsonSerializer.SerializeToNode(call.Arguments ?? new Dictionary<string, object?>())));
            }

            FinishReason = result.FinishReason;
            if (result.Usage is { } u)
            {
                Usage = new(u.InputTokenCount, u.OutputTokenCount, result.Response.Usage?.ReasoningTokenCount, u.CachedInputTokenCount, u.CacheWriteInputTokenCount);
            }
        }
    }

    /// <summary>What the recording says, read straight from its JSON (no library code).</summary>
    private sealed class Expected
    {
        public string Answer { get; private set; } = string.Empty;

        public string Reasoning { get; private set; } = string.Empty;

        public List<string> Signatures { get; } = [];

        public List<string> Redacted { get; } = [];

        public List<ToolCallFacts> ToolCalls { get; } = [];

        public ChatFinishReason? FinishReason { get; private set; }

        public UsageFacts? Usage { get; private set; }

        public int? ErrorStatus { get; private set; }

        public string? ErrorCode { get; private set; }

        public string? RequestId { get; private set; }

        public static Expected From(AnthropicExchange recorded)
        {
            var e = new Expected();
            if (recorded.Status >= 400)
            {
                var error = JsonNode.Parse(recorded.Body)!;
                e.ErrorStatus = recorded.Status;
                e.ErrorCode = (string?)error["error"]!["type"];
                e.RequestId = (string?)error["request_id"] ?? recorded.Headers.FirstOrDefault(h => h.Key.Equals("request-id", StringComparison.OrdinalIgnoreCase)).Value;
                return e;
            }

            if (!recorded.IsEventStream)
            {
                var message = JsonNode.Parse(recorded.Body)!;
                foreach (var block in message["content"]!.AsArray())
                {
                    e.AddBlock(block!);
                }

                e.Finish((string?)message["stop_reason"], message["usage"]);
                return e;
            }

            var thinking = new StringBuilder();
            var tools = new Dictionary<int, (string Id, string Name, StringBuilder Json)>();
            string? stop = null;
            var usage = new JsonObject();
            var lines = Encoding.UTF8.GetString(recorded.Body).Split('\n');
            foreach (var line in lines.Where(l => l.StartsWith("data:", StringComparison.Ordinal)))
            {
                var ev = JsonNode.Parse(line[5..])!;
                switch ((string?)ev["type"])
                {
                    case "message_start":
                        Merge(usage, ev["message"]!["usage"]);
                        break;
                    case "content_block_start":
                        var block = ev["content_block"]!;
                        switch ((string?)block["type"])
                        {
                            case "text":
                                e.Answer += (string?)block["text"];
                                break;
                            case "thinking":
                                e.Reasoning += (string?)block["thinking"];
                                break;
                            case "redacted_thinking":
                                e.Redacted.Add((string)block["data"]!);
                                break;
                            case "tool_use":
                                var start = block["input"] is JsonObject o && o.Count > 0 ? o.ToJsonString() : string.Empty;
                                tools[(int)ev["index"]!] = ((string)block["id"]!, (string)block["name"]!, new StringBuilder(start));
                                break;
                        }

                        break;
                    case "content_block_delta":
                        var delta = ev["delta"]!;
                        switch ((string?)delta["type"])
                        {
                            case "text_delta":
                                e.Answer += (string?)delta["text"];
                                break;
                            case "thinking_delta":
                                e.Reasoning += (string?)delta["thinking"];
                                break;
                            case "signature_delta":
                                e.Signatures.Add((string)delta["signature"]!);
                                break;
                            case "input_json_delta" when tools.TryGetValue((int)ev["index"]!, out var tool):
                                tool.Json.Append((string?)delta["partial_json"]);
                                break;
                        }

                        break;
                    case "content_block_stop" when tools.Remove((int)ev["index"]!, out var done):
                        e.ToolCalls.Add(new(done.Id, done.Name, done.Json.Length == 0 ? new JsonObject() : JsonNode.Parse(done.Json.ToString())));
                        break;
                    case "message_delta":
                        stop = (string?)ev["delta"]!["stop_reason"] ?? stop;
                        Merge(usage, ev["usage"]);
                        break;
                }
            }

            if (stop is null)
            {
                e.ErrorCode = StreamTruncatedException.Code; // the stream ended before any stop reason
                return e;
            }

            e.Finish(stop, usage);
            return e;
        }

        private static void Merge(JsonObject into, JsonNode? from)
        {
            if (from is JsonObject source)
            {
                foreach (var (key, value) in source)
                {
                    into[key] = value?.DeepClone();
                }
            }
        }

        private void AddBlock(JsonNode block)
        {
            switch ((string?)block["type"])
            {
                case "text":
                    Answer += (string?)block["text"];
                    break;
                case "thinking":
                    Reasoning += (string?)block["thinking"];
                    Signatures.Add((string)block["signature"]!);
                    break;
                case "redacted_thinking":
                    Redacted.Add((string)block["data"]!);
                    break;
                case "tool_use":
                    ToolCalls.Add(new((string)block["id"]!, (string)block["name"]!, block["input"]!.DeepClone()));
                    break;
            }
        }

        private void Finish(string? stop, JsonNode? usage)
        {
            FinishReason = stop switch
            {
                "end_turn" or "stop_sequence" => ChatFinishReason.Stop,
                "max_tokens" => ChatFinishReason.Length,
                "tool_use" => ChatFinishReason.ToolCalls,
                "refusal" => ChatFinishReason.ContentFilter,
                null => null,
                _ => new ChatFinishReason(stop),
            };
            if (usage is null)
            {
                return;
            }

            long N(JsonNode? n) => n is null ? 0 : (long)n;
            var read = N(usage["cache_read_input_tokens"]);
            var write = N(usage["cache_creation_input_tokens"]);
            var thinkingTokens = usage["output_tokens_details"]?["thinking_tokens"] is { } t ? (long?)t : null;
            Usage = new(N(usage["input_tokens"]) + read + write, N(usage["output_tokens"]), thinkingTokens, read, write);
        }
    }
}
