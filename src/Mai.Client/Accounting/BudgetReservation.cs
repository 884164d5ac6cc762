using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>What a <see cref="BudgetChatClient"/> reserved for one call, and how to find the call's real usage afterwards.</summary>
internal sealed class BudgetReservation
{
    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    public required ChatOptions Options { get; init; }

    public required MaiCallContext Context { get; init; }

    /// <summary>How many usage records the context held before the call: the call's records are the ones after.</summary>
    public required int RecordsBefore { get; init; }

    public required IReadOnlyList<BudgetCharge> Charges { get; init; }

    public required int PromptTokens { get; init; }

    /// <summary>The output tokens reserved: the call's <c>MaxOutputTokens</c>, or the worst-case ceiling of the models it may reach.</summary>
    public required int MaxOutputTokens { get; init; }

    /// <summary>The price of the most expensive model the call may reach (used where a record has no cost of its own).</summary>
    public required ModelPrice? Price { get; init; }

    public OutputAccumulator Output { get; } = new();

    public UsageDetails? ReportedUsage { get; set; }

    public bool SawOutput { get; set; }
}
