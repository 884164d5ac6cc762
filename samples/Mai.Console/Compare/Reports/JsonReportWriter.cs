using System.Text;
using System.Text.Json;

namespace Mai.Console.Compare.Reports;

/// <summary>The comparison as one JSON document: set-up, a summary per model (unknown cost is <c>null</c>), and every call.</summary>
internal static class JsonReportWriter
{
    public static string Write(CompareReport report)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("generated_at", report.GeneratedAt);
            json.WriteString("prompt_source", report.PromptSource);
            json.WriteNumber("prompts", report.Prompts);
            json.WriteNumber("runs", report.Runs);
            json.WriteNumber("concurrency", report.Concurrency);
            json.WriteNumber("elapsed_ms", Math.Round(report.Elapsed.TotalMilliseconds, 1));
            json.WriteBoolean("complete", !report.Incomplete);
            json.WriteNumber("planned_calls", report.PlannedCalls);
            json.WriteStartArray("prompt_cases");
            foreach (var prompt in report.PromptCases)
            {
                json.WriteStartObject();
                json.WriteNumber("number", prompt.Number);
                json.WriteString("text", prompt.Prompt);
                String(json, "expect", prompt.Expect?.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (report.JudgeModel is { } judge)
            {
                json.WriteStartObject("judge");
                json.WriteString("model", judge);
                json.WriteBoolean("emulated", report.JudgeEmulated);
                Number(json, "cost", report.JudgeCost);
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("judge");
            }

            json.WriteStartArray("models");
            foreach (var m in report.Models)
            {
                WriteModel(json, m);
            }

            json.WriteEndArray();
            json.WriteStartArray("calls");
            foreach (var c in report.Calls)
            {
                json.WriteStartObject();
                json.WriteString("model", c.Model);
                json.WriteNumber("prompt", c.Prompt);
                json.WriteNumber("run", c.Run);
                json.WriteBoolean("ok", c.Succeeded);
                Number(json, "ttft_ms", c.TimeToFirstToken is { } t ? Math.Round(t.TotalMilliseconds, 1) : null);
                json.WriteNumber("latency_ms", Math.Round(c.Duration.TotalMilliseconds, 1));
                json.WriteNumber("input_tokens", c.InputTokens);
                json.WriteNumber("output_tokens", c.OutputTokens);
                json.WriteNumber("reasoning_tokens", c.ReasoningTokens);
                Number(json, "cost", c.Cost);
                String(json, "error", c.Error);
                if (c.Passed is { } passed)
                {
                    json.WriteBoolean("passed", passed);
                }
                else
                {
                    json.WriteNull("passed");
                }

                Number(json, "judge_score", c.JudgeScore);
                String(json, "answer", c.Answer);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteModel(Utf8JsonWriter json, ModelSummary m)
    {
        json.WriteStartObject();
        json.WriteString("model", m.Model);
        json.WriteBoolean("emulated", m.Emulated);
        json.WriteNumber("calls", m.Calls);
        json.WriteNumber("succeeded", m.Succeeded);
        json.WriteNumber("checked", m.Checked);
        json.WriteNumber("passed", m.Passed);
        Number(json, "pass_rate", m.PassRate);
        json.WriteStartObject("ttft_ms");
        Number(json, "p50", m.TtftP50Ms);
        Number(json, "p95", m.TtftP95Ms);
        json.WriteEndObject();
        json.WriteStartObject("latency_ms");
        Number(json, "p50", m.LatencyP50Ms);
        Number(json, "p95", m.LatencyP95Ms);
        json.WriteEndObject();
        Number(json, "output_tokens_per_second", m.OutputTokensPerSecond);
        json.WriteStartObject("tokens");
        json.WriteNumber("input_mean", Math.Round(m.MeanInputTokens, 2));
        json.WriteNumber("output_mean", Math.Round(m.MeanOutputTokens, 2));
        json.WriteNumber("reasoning_mean", Math.Round(m.MeanReasoningTokens, 2));
        json.WriteNumber("input_total", m.TotalInputTokens);
        json.WriteNumber("output_total", m.TotalOutputTokens);
        json.WriteNumber("reasoning_total", m.TotalReasoningTokens);
        json.WriteEndObject();
        json.WriteStartObject("cost");
        Number(json, "total", m.TotalCost);
        Number(json, "per_call", m.CostPerCall);
        Number(json, "per_1000_calls", m.CostPer1000Calls);
        String(json, "currency", m.Currency);
        json.WriteEndObject();
        json.WriteStartObject("errors");
        foreach (var (kind, count) in m.Errors)
        {
            json.WriteNumber(kind, count);
        }

        json.WriteEndObject();
        if (m.JudgeAsked > 0)
        {
            json.WriteStartObject("judge");
            Number(json, "mean", m.JudgeMean);
            json.WriteNumber("scored", m.JudgeScored);
            json.WriteNumber("asked", m.JudgeAsked);
            Number(json, "cost", m.JudgeCost);
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("judge");
        }

        json.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, Math.Round(v, 4));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Number(Utf8JsonWriter json, string name, decimal? value)
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

    private static void Number(Utf8JsonWriter json, string name, int? value)
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

    private static void String(Utf8JsonWriter json, string name, string? value)
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
}
