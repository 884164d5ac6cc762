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
                usage.InputTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                usage.OutputTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                usage.TotalTokenCount = ReadCount(ref reader);
            }
            else if (reader.ValueTextEquals("cached_tokens"u8))
            {
                var cached = ReadCount(ref reader); // Together puts it at the top of usage
                usage.CachedInputTokenCount ??= cached;
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reader.Read();
                if (ReadDetail(ref reader, "reasoning_tokens"u8) is long reasoning)
                {
                    usage.ReasoningTokenCount = reasoning;
                }
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                if (ReadDetail(ref reader, "cached_tokens"u8) is long cached)
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

    private static long? ReadCount(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetInt64(out var value) ? value : (long)reader.GetDouble();
        }

        reader.Skip();
        return null;
    }

    private static long? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
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
                found = ReadCount(ref reader);
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
