using System.Globalization;
using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>
/// Checks the usage a service reported before it is believed: a count that is negative, larger than any attempt can use, or
/// inconsistent with the others (reasoning above output, cached above input, a total that is not input + output) is a protocol
/// anomaly. Invalid counts are dropped (and then estimated by the caller); the anomaly is described for the log and the record.
/// </summary>
internal static class UsageValidator
{
    /// <summary>The largest count believed for one attempt; no model's context window comes near it.</summary>
    public const long MaxPlausibleTokens = int.MaxValue;

    /// <summary>The prefix of <see cref="UsageDetails.AdditionalCounts"/> keys a transport uses to say a field was present but not an
    /// integer count (e.g. <c>mai.invalid.prompt_tokens</c>): fractional, or beyond the range of a 64-bit integer.</summary>
    public const string InvalidFieldPrefix = "mai.invalid.";

    /// <summary>The counts that may be believed, and a description of what was not (null when everything was valid).</summary>
    public static (long? Input, long? Output, long? Reasoning, long? Cached, string? Anomaly) Check(UsageDetails usage)
    {
        List<string>? problems = null;
        if (usage.AdditionalCounts is { Count: > 0 } extra)
        {
            foreach (var key in extra.Keys)
            {
                if (key.StartsWith(InvalidFieldPrefix, StringComparison.Ordinal))
                {
                    (problems ??= []).Add($"{key[InvalidFieldPrefix.Length..]} is not an integer count");
                }
            }
        }

        var input = Plausible(usage.InputTokenCount, "input tokens", ref problems);
        var output = Plausible(usage.OutputTokenCount, "output tokens", ref problems);
        var reasoning = Plausible(usage.ReasoningTokenCount, "reasoning tokens", ref problems);
        var cached = Plausible(usage.CachedInputTokenCount, "cached input tokens", ref problems);
        if (reasoning is { } r && output is { } o && r > o)
        {
            (problems ??= []).Add(Format($"reasoning tokens {r} above output tokens {o}"));
            reasoning = null;
        }

        if (cached is { } c && input is { } i && c > i)
        {
            (problems ??= []).Add(Format($"cached input tokens {c} above input tokens {i}"));
            cached = null;
        }

        if (problems is null && usage.TotalTokenCount is { } total && input is { } ti && output is { } to && total != ti + to)
        {
            (problems ??= []).Add(Format($"total tokens {total} is not input + output {ti + to}"));
        }

        return (input, output, reasoning, cached, problems is null ? null : string.Join(", ", problems));
    }

    private static long? Plausible(long? count, string name, ref List<string>? problems)
    {
        if (count is { } value && (value < 0 || value > MaxPlausibleTokens))
        {
            (problems ??= []).Add(Format($"{name} {value}"));
            return null;
        }

        return count;
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
