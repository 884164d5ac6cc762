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

    /// <summary>The deployment quota's reservation for this attempt (<c>default</c> when the deployment has no quota).</summary>
    public RateLimitLease Lease { get; set; }

    /// <summary>The last <c>x-ratelimit-remaining-tokens</c> value the service sent for this attempt, if any.</summary>
    public long? RemainingTokens { get; set; }

    /// <summary>The last <c>x-ratelimit-remaining-requests</c> value the service sent for this attempt, if any.</summary>
    public long? RemainingRequests { get; set; }

    /// <summary>The estimated prompt (messages, tool definitions, response format), counted once per attempt.</summary>
    public int PromptTokens(TokenEstimator estimator, CancellationToken cancellationToken = default) =>
        _promptTokens ??= estimator.EstimatePromptTokensCore(Messages, Options, cancellationToken);

    public void Observe(ChatResponseUpdate update)
    {
        UpdateCount++;
        ResponseId ??= update.ResponseId;
        ResponseModel = update.ModelId ?? ResponseModel;
        // Indexed, not foreach over IList<AIContent>: no enumerator per chunk, whatever the JIT tier.
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is UsageContent usage)
            {
                ReportedUsage = usage.Details;
            }
        }

        Output.Add(contents);
    }
}
