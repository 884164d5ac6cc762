using System.Globalization;
using System.Text.Json;
using Mai.Client;
using Mai.Client.Accounting;

namespace Mai.Console.Infrastructure;

/// <summary>Formats a <see cref="MaiResult"/> for people (one usage line) and for machines (one JSON object).</summary>
internal static class ResultWriter
{
    public static string FormatUsageLine(MaiResult result)
    {
        var usage = result.Usage;
        var parts = new List<string>
        {
            $"input {Count(usage?.InputTokenCount)}",
            $"output {Count(usage?.OutputTokenCount)}",
            $"reasoning {Count(usage?.ReasoningTokenCount)}",
            $"cached {Count(usage?.CachedInputTokenCount)}",
            $"total {Count(usage?.TotalTokenCount)}",
        };
        var line = (usage?.IsEstimated == true ? "tokens (estimated): " : "tokens: ") + string.Join(" · ", parts);
        line += $" · {Seconds(result.Duration)}";
        if (result.TimeToFirstToken is { } ttft)
        {
            line += $" · first token {Seconds(ttft)}";
        }

        return line + " · " + FormatCost(result);
    }

    public static string FormatAttempt(MaiAttempt attempt) =>
        $"mai: attempt {attempt.Number} to {attempt.Deployment ?? "the endpoint"} failed: " +
        $"{(attempt.Status is { } status ? $"HTTP {status}" : "no response")} ({attempt.Reason})" +
        (attempt.Wait > TimeSpan.Zero ? $"; waited {attempt.Wait.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)} ms before retrying" : "; trying the next deployment");

    public static string FormatCost(MaiResult result) => result switch
    {
        { Cost: { } cost, Currency: { } currency } => $"cost {cost.ToString("0.######", CultureInfo.InvariantCulture)} {currency}",
        { UsageRecords.Count: 0 } => "cost unknown (not metered)",
        _ => UnknownCost(result.UsageRecords.FirstOrDefault(r => r.Cost is null)?.Model ?? result.Model ?? "the model"),
    };

    /// <summary>Says the cost is unknown and where a price goes (the <c>Mai:Prices</c> section of appsettings.json).</summary>
    public static string UnknownCost(string model) => $"cost unknown for {model}: add a price under Mai:Prices:Models:{model} in appsettings.json (see README, Usage and cost)";

    public static void WriteJson(TextWriter output, MaiResult result)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("answer", result.Answer);
            WriteNullableString(json, "reasoning", result.Reasoning);
            WriteNullableString(json, "model", result.Model);
            WriteNullableString(json, "finish_reason", result.FinishReason?.Value);
            json.WritePropertyName("usage");
            WriteUsage(json, result.Usage);
            json.WritePropertyName("cost");
            json.WriteStartObject();
            if (result.Cost is { } cost)
            {
                json.WriteNumber("amount", cost);
            }
            else
            {
                json.WriteNull("amount");
            }

            WriteNullableString(json, "currency", result.Currency);
            json.WriteEndObject();
            json.WriteNumber("duration_ms", Math.Round(result.Duration.TotalMilliseconds, 1));
            if (result.TimeToFirstToken is { } ttft)
            {
                json.WriteNumber("ttft_ms", Math.Round(ttft.TotalMilliseconds, 1));
            }
            else
            {
                json.WriteNull("ttft_ms");
            }

            json.WritePropertyName("attempts");
            WriteAttempts(json, result.Attempts);
            json.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    internal static void WriteAttempts(Utf8JsonWriter json, IReadOnlyList<MaiAttempt> attempts)
    {
        json.WriteStartArray();
        foreach (var attempt in attempts)
        {
            json.WriteStartObject();
            WriteNullableString(json, "deployment", attempt.Deployment);
            if (attempt.Status is { } status)
            {
                json.WriteNumber("status", status);
            }
            else
            {
                json.WriteNull("status");
            }

            json.WriteNumber("wait_ms", Math.Round(attempt.Wait.TotalMilliseconds, 1));
            json.WriteString("reason", attempt.Reason);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteUsage(Utf8JsonWriter json, MaiUsage? usage)
    {
        json.WriteStartObject();
        WriteNullableNumber(json, "input_tokens", usage?.InputTokenCount);
        WriteNullableNumber(json, "output_tokens", usage?.OutputTokenCount);
        WriteNullableNumber(json, "reasoning_tokens", usage?.ReasoningTokenCount);
        WriteNullableNumber(json, "cached_input_tokens", usage?.CachedInputTokenCount);
        WriteNullableNumber(json, "total_tokens", usage?.TotalTokenCount);
        if (usage is null)
        {
            json.WriteNull("estimated");
        }
        else
        {
            json.WriteBoolean("estimated", usage.IsEstimated);
        }

        json.WriteEndObject();
    }

    private static void WriteNullableString(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNullableNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static string Count(long? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? "?";

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture) + " s";
}
