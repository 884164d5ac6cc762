using System.Text.Json;
using System.Text.Json.Nodes;
using Mai.Client.Errors;
using Mai.Client.Tests.Transport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Recordings;

/// <summary>
/// Replays every recorded chat-completions exchange byte for byte over loopback through a transport and checks its facts; run once
/// per transport by the derived classes.
/// </summary>
public abstract class RecordingReplaySuite(TransportUnderTest transport)
{
    private const string Absent = "absent: ../shared/fixtures/recorded not found beside the checkout";

    public static TheoryData<string> Exchanges()
    {
        var data = new TheoryData<string>();
        foreach (var expected in ExpectedFacts.All)
        {
            data.Add(expected.ToString());
        }

        return data;
    }

    [Fact]
    public void ExpectedFacts_Table_CoversEveryRecordedExchangeAndCountsItsFacts()
    {
        var root = RecordingLoader.FindRoot() ?? throw SkipException();
        var recorded = RecordingLoader.LoadAll(root);

        Assert.Equal(ExpectedFacts.ExchangeCount, recorded.Count);
        Assert.Equal(recorded.Select(r => r.ToString()), ExpectedFacts.All.Select(e => e.ToString()));
        Assert.Equal(recorded.Select(r => r.RequestedStreaming), ExpectedFacts.All.Select(e => e.Streaming));
        Assert.Equal(ExpectedFacts.TotalFacts, ExpectedFacts.All.Sum(e => e.FactCount));
    }

    [Theory]
    [MemberData(nameof(Exchanges))]
    public async Task Replay_RecordedExchange_SurfacesEveryFact(string exchange)
    {
        var root = RecordingLoader.FindRoot() ?? throw SkipException();
        var recorded = RecordingLoader.LoadAll(root).Single(r => r.ToString() == exchange);
        var expected = ExpectedFacts.All.Single(e => e.ToString() == exchange);

        var (surfaced, missing) = await ReplayAsync(recorded, expected);

        Assert.True(missing.Count == 0, $"{exchange}: missing {string.Join("; ", missing)}");
        Assert.Equal(expected.FactCount, surfaced);
    }

    [Fact]
    public async Task Replay_AllRecordings_SurfaceAllExpectedFacts()
    {
        var root = RecordingLoader.FindRoot() ?? throw SkipException();
        var recorded = RecordingLoader.LoadAll(root);
        var surfacedTotal = 0;
        var missing = new List<string>();
        foreach (var expected in ExpectedFacts.All)
        {
            var (surfaced, lost) = await ReplayAsync(recorded.Single(r => r.ToString() == expected.ToString()), expected);
            surfacedTotal += surfaced;
            missing.AddRange(lost.Select(m => $"{expected}: {m}"));
        }

        Assert.Empty(missing);
        Assert.Equal(ExpectedFacts.TotalFacts, surfacedTotal); // the raw SDKs surface 134 (Azure.AI.Inference) and 161 (OpenAI) of the 184 they were checked on
    }

    private static Exception SkipException()
    {
        Assert.Skip(Absent);
        return new InvalidOperationException(Absent);
    }

    private async Task<(int Surfaced, List<string> Missing)> ReplayAsync(RecordedExchange recorded, ExpectedExchange expected)
    {
        var reply = new ScriptedReply
        {
            Status = recorded.Status,
            Reason = "Recorded",
            Headers = [.. recorded.Headers],
            Body = recorded.IsEventStream ? null : recorded.Body,
            Parts = recorded.IsEventStream ? [.. recorded.Body.Chunk(97)] : null, // odd-sized writes: lines straddle reads
        };
        await using var server = new LoopbackServer(reply);
        using var client = transport.Create(server);
        var observed = new Observed();
        try
        {
            if (expected.Streaming)
            {
                var updates = await TransportTestKit.CollectAsync(client.GetStreamingResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard(60)));
                observed.Read(updates.SelectMany(u => u.Contents), updates.LastOrDefault(u => u.FinishReason is not null)?.FinishReason,
                    updates.SelectMany(u => u.Contents).OfType<UsageContent>().SingleOrDefault()?.Details);
            }
            else
            {
                var response = await client.GetResponseAsync(TransportTestKit.Hello(), cancellationToken: TransportTestKit.Guard(60));
                observed.Read(response.Messages.SelectMany(m => m.Contents), response.FinishReason, response.Usage);
            }

            observed.Completed = true;
        }
        catch (MaiServiceException ex)
        {
            observed.Status = ex.Status;
            observed.Code = ex.ErrorCode;
            observed.Error = ex.GetType().Name + ": " + ex.Message;
        }

        return Compare(expected, observed);
    }

    private static (int, List<string>) Compare(ExpectedExchange e, Observed o)
    {
        var missing = new List<string>();
        var surfaced = 0;
        void Check(bool ok, string what)
        {
            if (ok)
            {
                surfaced++;
            }
            else
            {
                missing.Add(what);
            }
        }

        if (e.Status is int status)
        {
            Check(o.Status == status, $"status {status} (saw {o.Status?.ToString() ?? o.Error ?? "success"})");
        }

        if (e.Code is { } code)
        {
            Check(o.Code == code, $"code '{code}' (saw '{o.Code}')");
        }

        if (e.Completes)
        {
            Check(o.Completed, $"completion without exception (saw {o.Error})");
        }

        if (e.Text is { } text)
        {
            Check(Matches(o.Text, text), $"text '{Shorten(text)}' (saw '{Shorten(o.Text)}')");
        }

        if (e.RawThink)
        {
            Check(o.Text.Contains("<think>", StringComparison.Ordinal) && o.Text.Contains("</think>", StringComparison.Ordinal), "inline <think> passed through");
        }

        if (e.Reasoning is { } reasoning)
        {
            Check(Matches(o.Reasoning, reasoning), $"reasoning '{Shorten(reasoning)}' (saw '{Shorten(o.Reasoning)}')");
        }

        for (var i = 0; i < e.ToolCalls.Length; i++)
        {
            var call = e.ToolCalls[i];
            var got = i < o.Calls.Count ? o.Calls[i] : null;
            Check(got is not null && got.CallId == call.Id && got.Name == call.Name && got.Exception is null
                && JsonNode.DeepEquals(JsonNode.Parse(call.Arguments), JsonSerializer.SerializeToNode(got.Arguments, AIJsonUtilities.DefaultOptions)),
                $"tool call {call.Id} {call.Name}({call.Arguments})");
        }

        if (e.ToolCalls.Length != o.Calls.Count)
        {
            missing.Add($"{o.Calls.Count} tool calls, expected {e.ToolCalls.Length}");
        }

        if (e.Finish is { } finish)
        {
            Check(o.Finish?.Value == finish, $"finish '{finish}' (saw '{o.Finish?.Value}')");
        }

        Count(e.Input, o.Usage?.InputTokenCount, "input tokens");
        Count(e.Output, o.Usage?.OutputTokenCount, "output tokens");
        Count(e.Total, o.Usage?.TotalTokenCount, "total tokens");
        Count(e.ReasoningTokens, o.Usage?.ReasoningTokenCount, "reasoning tokens");
        Count(e.Cached, o.Usage?.CachedInputTokenCount, "cached tokens");
        return (surfaced, missing);

        void Count(long? want, long? got, string what)
        {
            if (want is long w)
            {
                Check(got == w, $"{what} {w} (saw {got?.ToString() ?? "none"})");
            }
        }
    }

    private static bool Matches(string actual, string expected)
    {
        var cut = expected.IndexOf('\0', StringComparison.Ordinal);
        return cut < 0
            ? actual == expected
            : actual.Length > expected.Length - 1 && actual.StartsWith(expected[..cut], StringComparison.Ordinal) && actual.EndsWith(expected[(cut + 1)..], StringComparison.Ordinal);
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..60] + "…";

    private sealed class Observed
    {
        public bool Completed { get; set; }

        public int? Status { get; set; }

        public string? Code { get; set; }

        public string? Error { get; set; }

        public string Text { get; private set; } = "";

        public string Reasoning { get; private set; } = "";

        public List<FunctionCallContent> Calls { get; } = [];

        public ChatFinishReason? Finish { get; private set; }

        public UsageDetails? Usage { get; private set; }

        public void Read(IEnumerable<AIContent> contents, ChatFinishReason? finish, UsageDetails? usage)
        {
            var list = contents.ToList();
            Text = string.Concat(list.OfType<TextContent>().Select(t => t.Text));
            Reasoning = string.Concat(list.OfType<TextReasoningContent>().Select(t => t.Text));
            Calls.AddRange(list.OfType<FunctionCallContent>());
            Finish = finish;
            Usage = usage;
        }
    }
}
