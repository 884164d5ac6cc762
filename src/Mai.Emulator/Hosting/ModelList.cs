using System.Text;
using Microsoft.AspNetCore.Http;

namespace Mai.Emulator;

/// <summary><c>GET /anthropic/v1/models</c> (Anthropic's list shape, Claude models) and <c>GET /openai/v1/models</c> (OpenAI's, chat-completions models).</summary>
internal static class ModelList
{
    public static Task WriteAnthropicAsync(EmulatorState state, HttpContext context)
    {
        if (!Auth.Check(state, context, out _))
        {
            return AnthropicErrors.WriteAsync(context, 401, "authentication_error", "invalid x-api-key");
        }

        var models = state.Models.Where(m => m.Api == EmulatedApi.AnthropicMessages).ToList();
        var json = WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("data");
            foreach (var model in models)
            {
                w.WriteStartObject();
                w.WriteString("type", "model");
                w.WriteString("id", model.Name);
                w.WriteString("display_name", model.Name);
                w.WriteString("created_at", "2026-01-01T00:00:00Z");
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteBoolean("has_more", false);
            WriteNullable(w, "first_id", models.FirstOrDefault()?.Name);
            WriteNullable(w, "last_id", models.LastOrDefault()?.Name);
            w.WriteEndObject();
        });
        return EmulatorApp.WriteJsonAsync(context, 200, Encoding.UTF8.GetString(json));
    }

    public static Task WriteOpenAIAsync(EmulatorState state, HttpContext context)
    {
        if (!Auth.Check(state, context, out var failure))
        {
            return EmulatorApp.WriteJsonAsync(context, 401, failure);
        }

        var json = WireJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in state.Models.Where(m => m.Api == EmulatedApi.ChatCompletions))
            {
                w.WriteStartObject();
                w.WriteString("id", model.Name);
                w.WriteString("object", "model");
                w.WriteNumber("created", 1767225600);
                w.WriteString("owned_by", model.ProviderName);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        return EmulatorApp.WriteJsonAsync(context, 200, Encoding.UTF8.GetString(json));
    }

    private static void WriteNullable(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }
}
