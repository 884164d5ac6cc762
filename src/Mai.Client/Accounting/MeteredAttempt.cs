using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>What the metering layer learns about one attempt while it runs.</summary>
internal sealed class MeteredAttempt
{
    private int? _promptTokens;

    public MeteredAttempt(IReadOnlyList<ChatMessage> messages, ChatOptions? options, bool streaming)
    {
        Messages = messages;
        Options = options;
        Streaming = streaming;
    }

    public IReadOnlyList<ChatMessage> Messages { get; }

    public ChatOptions? Options { get; }

    public bool Streaming { get; }

    public long StartTimestamp { get; set; }

    public Activity? Activity { get; set; }

    public OutputAccumulator Output { get; } = new();

    /// <summary>The last usage the service reported (usage may be repeated on every chunk: take the last, never sum).</summary>
    public UsageDetails? ReportedUsage { get; set; }

    public string? ResponseId { get; set; }

    public string? ResponseModel { get; set; }

    public int UpdateCount { get; set; }

    public TimeSpan? TimeToFirstChunk { get; set; }

    public bool Recorded { get; set; }

    public int PromptTokens(TokenEstimator estimator) => _promptTokens ??= estimator.EstimatePromptTokens(Messages);

    public void Observe(ChatResponseUpdate update)
    {
        UpdateCount++;
        ResponseId ??= update.ResponseId;
        ResponseModel = update.ModelId ?? ResponseModel;
        foreach (var content in update.Contents)
        {
            if (content is UsageContent usage)
            {
                ReportedUsage = usage.Details;
            }
        }

        Output.Add(update.Contents);
    }
}
