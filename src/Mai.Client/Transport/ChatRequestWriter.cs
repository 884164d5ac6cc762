using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Mai.Client.Transport;

/// <summary>Writes the chat-completions request body straight from M.E.AI types with <see cref="Utf8JsonWriter"/>.</summary>
/// <remarks>
/// Why not <c>ChatCompletionsOptions</c> + ModelReaderWriter: that path converts every message and tool schema into SDK objects,
/// re-parses each schema into <c>BinaryData</c>, cannot write <c>max_completion_tokens</c>, <c>stream_options</c> or
/// <c>reasoning_effort</c> except as raw <c>AdditionalProperties</c>, and would be serialised a second time by us anyway because the
/// SDK's own send path is bypassed (we read the raw response). Writing once here costs one buffer per call and follows
/// the SDK's field names and order exactly (wire-protocol.md §1.3):
/// <c>messages, max_tokens, temperature, top_p, stop, presence_penalty, frequency_penalty, stream, seed, model, response_format, tools,
/// tool_choice</c>, then the fields outside the Azure AI Model Inference spec, then the caller's additional properties.
/// A fresh body is written per call; the caller's <see cref="ChatOptions"/> is only read.
/// </remarks>
internal static partial class ChatRequestWriter
{
    /// <summary>The M.E.AI convention (also used by Microsoft.Extensions.AI.OpenAI) for a strict JSON schema response format.</summary>
    internal const string StrictJsonSchemaKey = "strictJsonSchema";

    /// <summary>Fields this writer models: an additional property with one of these names would duplicate a key.</summary>
    private static readonly Dictionary<string, string> s_modelledFields = new(StringComparer.Ordinal)
    {
        ["messages"] = "the chat messages",
        ["model"] = "ChatOptions.ModelId",
        ["max_tokens"] = "ChatOptions.MaxOutputTokens",
        ["max_completion_tokens"] = "ChatOptions.MaxOutputTokens (with AdditionalProperties[\"" + ChatCompletionsWireFormat.UseMaxCompletionTokensKey + "\"] = true)",
        ["temperature"] = "ChatOptions.Temperature",
        ["top_p"] = "ChatOptions.TopP",
        ["top_k"] = "ChatOptions.TopK",
        ["stop"] = "ChatOptions.StopSequences",
        ["presence_penalty"] = "ChatOptions.PresencePenalty",
        ["frequency_penalty"] = "ChatOptions.FrequencyPenalty",
        ["seed"] = "ChatOptions.Seed",
        ["stream"] = "GetStreamingResponseAsync",
        ["stream_options"] = "AzureInferenceChatClientOptions.IncludeStreamUsage",
        ["response_format"] = "ChatOptions.ResponseFormat",
        ["tools"] = "ChatOptions.Tools",
        ["tool_choice"] = "ChatOptions.ToolMode",
        ["parallel_tool_calls"] = "ChatOptions.AllowMultipleToolCalls",
        ["reasoning_effort"] = "ChatOptions.Reasoning",
    };

    private static readonly JsonWriterOptions s_writerOptions = new() { Indented = false, SkipValidation = true, Encoder = JsonValueWriter.Encoder };

    /// <summary>Writes the body for one call.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="options">The caller's options (read only).</param>
    /// <param name="defaultModelId">The model used when <see cref="ChatOptions.ModelId"/> is null.</param>
    /// <param name="stream">Whether to write <c>"stream": true</c>.</param>
    /// <param name="includeStreamUsage">Whether to write <c>stream_options</c> (streaming only).</param>
    /// <param name="hasExtraFields">Set when a field outside the Azure AI Model Inference spec was written (needs <c>extra-parameters</c>).</param>
    /// <returns>The UTF-8 JSON body in a pooled buffer; dispose it once the request that sends it is disposed.</returns>
    /// <exception cref="ArgumentException">An additional property collides with a modelled field, or there are no messages to send.</exception>
    public static PooledBufferWriter Write(
        IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool stream, bool includeStreamUsage, out bool hasExtraFields)
    {
        ValidateAdditionalProperties(options);
        var buffer = new PooledBufferWriter(1024);
        try
        {
            WriteBody(buffer, messages, options, defaultModelId, stream, includeStreamUsage, out hasExtraFields);
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    private static void WriteBody(
        PooledBufferWriter buffer, IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool stream, bool includeStreamUsage, out bool hasExtraFields)
    {
        using var writer = new Utf8JsonWriter(buffer, s_writerOptions);
        hasExtraFields = false;
        var modelId = options?.ModelId ?? defaultModelId;
        var useMaxCompletionTokens = UsesMaxCompletionTokens(options, modelId);

        writer.WriteStartObject();
        writer.WritePropertyName("messages"u8);
        WriteMessages(writer, messages, options?.Instructions);

        if (options?.MaxOutputTokens is int maxTokens && !useMaxCompletionTokens)
        {
            writer.WriteNumber("max_tokens"u8, maxTokens);
        }

        if (options?.Temperature is float temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        if (options?.TopP is float topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        if (options?.StopSequences is { Count: > 0 } stop)
        {
            writer.WriteStartArray("stop"u8);
            foreach (var s in stop)
            {
                writer.WriteStringValue(s);
            }

            writer.WriteEndArray();
        }

        if (options?.PresencePenalty is float presence)
        {
            writer.WriteNumber("presence_penalty"u8, presence);
        }

        if (options?.FrequencyPenalty is float frequency)
        {
            writer.WriteNumber("frequency_penalty"u8, frequency);
        }

        if (stream)
        {
            writer.WriteBoolean("stream"u8, true);
        }

        if (options?.Seed is long seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (modelId is not null)
        {
            writer.WriteString("model"u8, modelId);
        }

        if (options?.ResponseFormat is { } format)
        {
            WriteResponseFormat(writer, format, options);
        }

        var hasTools = WriteTools(writer, options);
        if (hasTools && options!.ToolMode is { } toolMode)
        {
            WriteToolChoice(writer, toolMode);
        }

        // Fields outside the Azure AI Model Inference spec: the service needs "extra-parameters: pass-through" for them.
        if (stream && includeStreamUsage)
        {
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
            hasExtraFields = true;
        }

        if (options?.MaxOutputTokens is int maxCompletionTokens && useMaxCompletionTokens)
        {
            writer.WriteNumber("max_completion_tokens"u8, maxCompletionTokens);
            hasExtraFields = true;
        }

        if (options?.Reasoning?.Effort is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, EffortText(effort));
            hasExtraFields = true;
        }

        if (options?.TopK is int topK)
        {
            writer.WriteNumber("top_k"u8, topK);
            hasExtraFields = true;
        }

        if (hasTools && options!.AllowMultipleToolCalls is bool parallel)
        {
            writer.WriteBoolean("parallel_tool_calls"u8, parallel);
            hasExtraFields = true;
        }

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                if (MaiCallContext.IsInternalKey(key) || key == StrictJsonSchemaKey)
                {
                    continue;
                }

                writer.WritePropertyName(key);
                JsonValueWriter.Write(writer, value);
                hasExtraFields = true;
            }
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Tells whether the output limit goes in <c>max_completion_tokens</c>: by the caller's flag, else for o1/o3/o4/gpt-5 models.</summary>
    internal static bool UsesMaxCompletionTokens(ChatOptions? options, string? modelId)
    {
        if (options?.AdditionalProperties?.TryGetValue(ChatCompletionsWireFormat.UseMaxCompletionTokensKey, out var flag) == true)
        {
            return flag switch
            {
                bool b => b,
                string s when bool.TryParse(s, out var parsed) => parsed,
                JsonElement { ValueKind: JsonValueKind.True } => true,
                _ => false,
            };
        }

        if (string.IsNullOrEmpty(modelId))
        {
            return false;
        }

        var name = modelId.AsSpan(modelId.LastIndexOf('/') + 1);
        return IsFamily(name, "o1") || IsFamily(name, "o3") || IsFamily(name, "o4") || IsFamily(name, "gpt-5");

        static bool IsFamily(ReadOnlySpan<char> name, string family) =>
            name.StartsWith(family, StringComparison.OrdinalIgnoreCase)
            && (name.Length == family.Length || name[family.Length] is '-' or '.' or '_' or ':');
    }

    private static void ValidateAdditionalProperties(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { Count: > 0 } extra)
        {
            return;
        }

        foreach (var key in extra.Keys)
        {
            if (s_modelledFields.TryGetValue(key, out var use))
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture,
                        $"ChatOptions.AdditionalProperties[\"{key}\"] collides with a field the client writes itself; use {use} instead."),
                    nameof(options));
            }
        }
    }

    private static string EffortText(ReasoningEffort effort) => effort switch
    {
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        ReasoningEffort.ExtraHigh => "xhigh",
        _ => effort.ToString().ToLowerInvariant(),
    };

    private static void WriteResponseFormat(Utf8JsonWriter writer, ChatResponseFormat format, ChatOptions options)
    {
        writer.WriteStartObject("response_format"u8);
        switch (format)
        {
            case ChatResponseFormatJson { Schema: { } schema } json:
                writer.WriteString("type"u8, "json_schema"u8);
                writer.WriteStartObject("json_schema"u8);
                writer.WriteString("name"u8, json.SchemaName ?? "json_schema");
                writer.WritePropertyName("schema"u8);
                schema.WriteTo(writer);
                if (json.SchemaDescription is { } description)
                {
                    writer.WriteString("description"u8, description);
                }

                if (options.AdditionalProperties?.TryGetValue(StrictJsonSchemaKey, out var strict) == true && strict is bool strictValue)
                {
                    writer.WriteBoolean("strict"u8, strictValue);
                }

                writer.WriteEndObject();
                break;
            case ChatResponseFormatJson:
                writer.WriteString("type"u8, "json_object"u8);
                break;
            default:
                writer.WriteString("type"u8, "text"u8);
                break;
        }

        writer.WriteEndObject();
    }

    private static bool WriteTools(Utf8JsonWriter writer, ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 } tools)
        {
            return false;
        }

        var wrote = false;
        foreach (var tool in ListItems.Of(tools))
        {
            if (tool is not AIFunctionDeclaration function)
            {
                continue; // hosted tools (code interpreter, web search, ...) have no chat-completions form
            }

            if (!wrote)
            {
                writer.WriteStartArray("tools"u8);
                wrote = true;
            }

            writer.WriteStartObject();
            writer.WriteString("type"u8, "function"u8);
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, function.Name);
            if (!string.IsNullOrEmpty(function.Description))
            {
                writer.WriteString("description"u8, function.Description);
            }

            writer.WritePropertyName("parameters"u8);
            function.JsonSchema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        if (wrote)
        {
            writer.WriteEndArray();
        }

        return wrote;
    }

    private static void WriteToolChoice(Utf8JsonWriter writer, ChatToolMode mode)
    {
        switch (mode)
        {
            case NoneChatToolMode:
                writer.WriteString("tool_choice"u8, "none"u8);
                break;
            case RequiredChatToolMode { RequiredFunctionName: { } name }:
                writer.WriteStartObject("tool_choice"u8);
                writer.WriteString("type"u8, "function"u8);
                writer.WriteStartObject("function"u8);
                writer.WriteString("name"u8, name);
                writer.WriteEndObject();
                writer.WriteEndObject();
                break;
            case RequiredChatToolMode:
                writer.WriteString("tool_choice"u8, "required"u8);
                break;
            default:
                writer.WriteString("tool_choice"u8, "auto"u8);
                break;
        }
    }
}
