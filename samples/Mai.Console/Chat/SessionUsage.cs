using System.Globalization;
using Mai.Client;

namespace Mai.Console.Chat;

/// <summary>Tokens and cost of a chat session so far; cost stays unknown once any call's price was unknown.</summary>
internal sealed class SessionUsage
{
    private readonly HashSet<string> _unpricedModels = new(StringComparer.OrdinalIgnoreCase);

    public int Calls { get; private set; }

    public long InputTokens { get; private set; }

    public long OutputTokens { get; private set; }

    public long ReasoningTokens { get; private set; }

    public long TotalTokens { get; private set; }

    public bool Estimated { get; private set; }

    public decimal KnownCost { get; private set; }

    public string? Currency { get; private set; }

    public void Add(MaiResult result)
    {
        Calls++;
        if (result.Usage is { } usage)
        {
            InputTokens += usage.InputTokenCount;
            OutputTokens += usage.OutputTokenCount;
            ReasoningTokens += usage.ReasoningTokenCount;
            TotalTokens += usage.TotalTokenCount;
            Estimated |= usage.IsEstimated;
        }

        foreach (var record in result.UsageRecords)
        {
            Currency ??= record.Currency;
            if (record.Cost is { } cost)
            {
                KnownCost += cost;
            }
            else
            {
                _unpricedModels.Add(record.Model);
            }
        }
    }

    /// <summary>The cost line shown after an answer whose price is known: this answer and the session so far; null otherwise.</summary>
    public string? FormatRunningCost(MaiResult result)
    {
        if (result is not { Cost: { } cost, Currency: { } currency })
        {
            return null;
        }

        var unknown = _unpricedModels.Count > 0 ? " + unknown for " + string.Join(", ", _unpricedModels.Order(StringComparer.Ordinal)) : string.Empty;
        return $"cost: this answer {cost.ToString("0.######", CultureInfo.InvariantCulture)} {currency} · session {KnownCost.ToString("0.######", CultureInfo.InvariantCulture)} {currency}{unknown}";
    }

    public string Format()
    {
        var tokens = string.Create(
            CultureInfo.InvariantCulture,
            $"{Calls} call{(Calls == 1 ? string.Empty : "s")} · tokens{(Estimated ? " (estimated)" : string.Empty)}: input {InputTokens:N0} · output {OutputTokens:N0} · reasoning {ReasoningTokens:N0} · total {TotalTokens:N0}");
        var cost = _unpricedModels.Count == 0
            ? $"cost {KnownCost.ToString("0.######", CultureInfo.InvariantCulture)} {Currency ?? "USD"}"
            : $"cost unknown (no price for {string.Join(", ", _unpricedModels.Order(StringComparer.Ordinal))}){(KnownCost > 0 ? $"; known part {KnownCost.ToString("0.######", CultureInfo.InvariantCulture)} {Currency}" : string.Empty)}";
        return $"session: {tokens} · {cost}";
    }
}
