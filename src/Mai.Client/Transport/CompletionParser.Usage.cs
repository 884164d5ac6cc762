using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>The <c>usage</c> object: token counts with reasoning and cached details, wherever each provider puts them.</summary>
internal sealed partial class CompletionParser
{
    private static UsageDetails ReadUsage(ref Utf8JsonReader reader)
    {
        var usage = new UsageDetails();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                usage.InputTokenCount = ReadCount(ref reader, usage, "prompt_tokens");
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                usage.OutputTokenCount = ReadCount(ref reader, usage, "completion_tokens");
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                usage.TotalTokenCount = ReadCount(ref reader, usage, "total_tokens");
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                var cached = ReadCount(ref reader, usage, "cached_tokens"); // Together puts it at the top of usage
                usage.CachedInputTokenCount ??= cached;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reader.Read();
                if (ReadDetail(ref reader, "reasoning_tokens"u8, usage) is long reasoning)
                {
                    usage.ReasoningTokenCount = reasoning;
                }
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                if (ReadDetail(ref reader, "cached_tokens"u8, usage) is long cached)
                {
                    usage.CachedInputTokenCount = cached;
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return usage;
    }

    /// <summary>Reads one count. A number that is not a 64-bit integer (fractional, 1e30) is not coerced: it reads as missing and
    /// is flagged in <see cref="UsageDetails.AdditionalCounts"/>, so the metering layer treats it as a protocol anomaly.</summary>
    private static long? ReadCount(ref Utf8JsonReader reader, UsageDetails usage, string field)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var value))
            {
                return value;
            }

            (usage.AdditionalCounts ??= [])[Accounting.UsageValidator.InvalidFieldPrefix + field] = 1;
            return null;
        }

        reader.Skip();
        return null;
    }

    private static long? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name, UsageDetails usage)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        long? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                found = ReadCount(ref reader, usage, System.Text.Encoding.UTF8.GetString(name));
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return found;
    }
}
