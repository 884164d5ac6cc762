using System.Text;
using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>The outcome of one logical call made through <see cref="MaiClient"/>: the answer apart from the reasoning, usage, timing and attempts.</summary>
/// <remarks>Instances are created by <see cref="MaiClient"/> only.</remarks>
public class MaiResult
{
    internal MaiResult(ChatResponse response, TimeSpan duration, TimeSpan? timeToFirstToken, MaiCallContext context)
    {
        Response = response;
        Duration = duration;
        TimeToFirstToken = timeToFirstToken;
        Attempts = context.Attempts;
        var records = context.UsageRecords;
        UsageRecords = records;
        Usage = response.GetMaiUsage() ?? (response.Usage is { } reported ? MaiUsage.FromUsageDetails(reported) : null);
        Currency = records.Count > 0 ? records[0].Currency : null;
        Cost = SumCost(records);
        Answer = response.Text;

        // One walk over the contents by index (no LINQ iterators, no intermediate list): reasoning joined, tool calls collected.
        string? reasoning = null;
        StringBuilder? joined = null;
        List<FunctionCallContent>? calls = null;
        var messages = response.Messages;
        for (var m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextReasoningContent thought:
                        if (reasoning is null)
                        {
                            reasoning = thought.Text;
                        }
                        else
                        {
                            (joined ??= new StringBuilder(reasoning)).Append(thought.Text);
                        }

                        break;
                    case FunctionCallContent call:
                        (calls ??= []).Add(call);
                        break;
                }
            }
        }

        reasoning = (joined?.ToString() ?? reasoning)?.TrimEnd();
        Reasoning = string.IsNullOrEmpty(reasoning) ? null : reasoning;
        ToolCalls = calls is null ? [] : calls.ToArray();
    }

    /// <summary>The cost of every record, or <see langword="null"/> when there is none or one has no price.</summary>
    private static decimal? SumCost(IReadOnlyList<UsageRecord> records)
    {
        if (records.Count == 0)
        {
            return null;
        }

        var sum = 0m;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i].Cost is not { } cost)
            {
                return null;
            }

            sum += cost;
        }

        return sum;
    }

    /// <summary>Gets the answer text, without reasoning.</summary>
    public string Answer { get; }

    /// <summary>Gets the reasoning text, or <see langword="null"/> when the model gave none.</summary>
    public string? Reasoning { get; }

    /// <summary>Gets the tool calls the model asked for (empty when none).</summary>
    public IReadOnlyList<FunctionCallContent> ToolCalls { get; }

    /// <summary>Gets the token usage of the answer: reported by the service, or estimated (<see cref="MaiUsage.IsEstimated"/>)
    /// when it reported none; <see langword="null"/> when metering is off and the service reported none.</summary>
    public MaiUsage? Usage { get; }

    /// <summary>Gets the cost of the whole call, every billed attempt included, in <see cref="Currency"/>; <see langword="null"/>
    /// (unknown, never 0) when a model involved has no price in the price table.</summary>
    public decimal? Cost { get; }

    /// <summary>Gets the currency of <see cref="Cost"/>, or <see langword="null"/> when nothing was metered.</summary>
    public string? Currency { get; }

    /// <summary>Gets one record per billed attempt of the call (failed and cut-off attempts included), in order.</summary>
    public IReadOnlyList<UsageRecord> UsageRecords { get; }

    /// <summary>Gets why the model stopped.</summary>
    public ChatFinishReason? FinishReason => Response.FinishReason;

    /// <summary>Gets the model that answered, as the service named it.</summary>
    public string? Model => Response.ModelId;

    /// <summary>Gets the service's response id.</summary>
    public string? ResponseId => Response.ResponseId;

    /// <summary>Gets the wall time of the whole call, retries included.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets the time from the call's start to the first reasoning or answer text (streams only).</summary>
    public TimeSpan? TimeToFirstToken { get; }

    /// <summary>Gets the HTTP attempts the call took, in order (one entry when no retry was needed).</summary>
    public IReadOnlyList<MaiAttempt> Attempts { get; }

    /// <summary>Gets the underlying M.E.AI response.</summary>
    public ChatResponse Response { get; }
}
