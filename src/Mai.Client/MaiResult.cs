using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>The outcome of one logical call made through <see cref="MaiClient"/>: the answer apart from the reasoning, usage, timing and attempts.</summary>
public sealed class MaiResult
{
    internal MaiResult(ChatResponse response, TimeSpan duration, TimeSpan? timeToFirstToken, MaiCallContext context)
    {
        Response = response;
        Duration = duration;
        TimeToFirstToken = timeToFirstToken;
        Attempts = context.Attempts;
        UsageRecords = context.UsageRecords;
        Usage = response.GetMaiUsage() ?? (response.Usage is { } reported ? MaiUsage.FromUsageDetails(reported) : null);
        Currency = UsageRecords.Count > 0 ? UsageRecords[0].Currency : null;
        Cost = UsageRecords.Count == 0 || UsageRecords.Any(r => r.Cost is null) ? null : UsageRecords.Sum(r => r.Cost!.Value);

        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        Answer = response.Text;
        var reasoning = string.Concat(contents.OfType<TextReasoningContent>().Select(c => c.Text)).TrimEnd();
        Reasoning = reasoning.Length == 0 ? null : reasoning;
        ToolCalls = [.. contents.OfType<FunctionCallContent>()];
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
