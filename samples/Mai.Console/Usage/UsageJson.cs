using System.Globalization;
using System.Text.Json;
using Mai.Console.Commands;

namespace Mai.Console.Usage;

/// <summary><c>mai usage --json</c>: one JSON object with the rows, the total and this month's projection, in the names <c>ask --json</c> uses.</summary>
internal static class UsageJson
{
    public static void Write(TextWriter output, UsageSettings settings, DateTimeOffset? since, IReadOnlyList<UsageRow> rows, UsageRow total, MonthProjection month, int hiddenEmulated)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            if (since is { } from)
            {
                json.WriteString("since", from);
            }
            else
            {
                json.WriteNull("since");
            }

            json.WriteString("by", settings.Grouping.ToString().ToLowerInvariant());
            json.WriteBoolean("emulated_included", settings.IncludeEmulated);
            json.WriteNumber("emulated_hidden", hiddenEmulated);
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                WriteRow(json, row);
            }

            json.WriteEndArray();
            json.WritePropertyName("total");
            WriteRow(json, total);
            json.WriteStartObject("month");
            json.WriteString("month", month.MonthStart.ToString("yyyy-MM", CultureInfo.InvariantCulture));
            json.WriteNumber("elapsed_days", Math.Round((month.Now - month.MonthStart).TotalDays, 3));
            json.WriteNumber("days", (month.MonthEnd - month.MonthStart).TotalDays);
            json.WriteNumber("calls", month.Calls);
            WriteMoney(json, "spent", month.SpentByCurrency);
            WriteMoney(json, "projected", month.ProjectedByCurrency.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value, 6, MidpointRounding.AwayFromZero)));
            json.WriteNumber("unpriced_calls", month.UnpricedCalls);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteRow(Utf8JsonWriter json, UsageRow row)
    {
        json.WriteStartObject();
        json.WriteString("key", row.Key);
        json.WriteNumber("calls", row.Calls);
        json.WriteNumber("input_tokens", row.InputTokens);
        json.WriteNumber("output_tokens", row.OutputTokens);
        json.WriteNumber("reasoning_tokens", row.ReasoningTokens);
        json.WriteNumber("cached_input_tokens", row.CachedInputTokens);
        json.WriteNumber("total_tokens", row.TotalTokens);
        json.WriteNumber("estimated_calls", row.EstimatedCalls);
        WriteMoney(json, "cost", row.CostByCurrency);
        json.WriteNumber("unpriced_calls", row.UnpricedCalls);
        json.WriteEndObject();
    }

    /// <summary>Money as <c>[{"amount": 1.75, "currency": "USD"}]</c>, one entry per currency (the <c>cost</c> shape of <c>ask --json</c>).</summary>
    private static void WriteMoney(Utf8JsonWriter json, string name, IReadOnlyDictionary<string, decimal> byCurrency)
    {
        json.WriteStartArray(name);
        foreach (var (currency, amount) in byCurrency.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteNumber("amount", amount);
            json.WriteString("currency", currency);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
