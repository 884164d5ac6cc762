using System.Text.Json;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.Extensions.AI;

namespace Mai.Console.Compare;

/// <summary>What a prompt's answer must satisfy: <c>contains</c> (case-insensitive), <c>regex</c>, <c>equals</c> (trimmed, case-insensitive) or <c>json_schema</c>.</summary>
internal sealed class Expectation
{
    private static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly Regex? _regex;
    private readonly JsonSchema? _schema;

    private Expectation(string kind, string text, Regex? regex, JsonSchema? schema, JsonElement? schemaJson)
    {
        Kind = kind;
        Text = text;
        _regex = regex;
        _schema = schema;
        SchemaJson = schemaJson;
    }

    /// <summary>Gets the kind: <c>contains</c>, <c>regex</c>, <c>equals</c> or <c>json_schema</c>.</summary>
    public string Kind { get; }

    /// <summary>Gets the expected text, pattern, or the schema as JSON text.</summary>
    public string Text { get; }

    /// <summary>Gets the JSON schema for <c>json_schema</c> (also sent as the response format).</summary>
    public JsonElement? SchemaJson { get; }

    /// <summary>Gets the response format to request: the schema for <c>json_schema</c>, none otherwise.</summary>
    public ChatResponseFormat? ResponseFormat => SchemaJson is { } schema ? ChatResponseFormat.ForJsonSchema(schema, "answer") : null;

    public static Expectation Contains(string text) => new("contains", text, null, null, null);

    public static Expectation Equal(string text) => new("equals", text, null, null, null);

    /// <exception cref="ArgumentException">The pattern is not a valid regular expression.</exception>
    public static Expectation Matches(string pattern)
    {
        try
        {
            return new("regex", pattern, new Regex(pattern, RegexOptions.CultureInvariant, RegexTimeout), null, null);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException($"invalid regex '{pattern}': {ex.Message}", ex);
        }
    }

    /// <exception cref="ArgumentException">The schema is not a valid JSON schema.</exception>
    public static Expectation Schema(JsonElement schema)
    {
        try
        {
            var text = schema.GetRawText();
            var built = JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            return new("json_schema", text, null, built, schema.Clone());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException or RefResolutionException)
        {
            throw new ArgumentException($"invalid json_schema: {ex.Message}", ex);
        }
    }

    /// <summary>Checks an answer; a <c>json_schema</c> answer may be wrapped in a Markdown code fence.</summary>
    public bool Check(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        switch (Kind)
        {
            case "contains":
                return answer.Contains(Text, StringComparison.OrdinalIgnoreCase);
            case "equals":
                return string.Equals(answer.Trim().TrimEnd('.'), Text.Trim(), StringComparison.OrdinalIgnoreCase);
            case "regex":
                try
                {
                    return _regex!.IsMatch(answer);
                }
                catch (RegexMatchTimeoutException)
                {
                    return false;
                }

            default:
                try
                {
                    using var document = JsonDocument.Parse(StripFence(answer));
                    return _schema!.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Flag }).IsValid;
                }
                catch (JsonException)
                {
                    return false;
                }
        }
    }

    public override string ToString() => Kind == "json_schema" ? "json_schema" : $"{Kind} {Text}";

    private static string StripFence(string answer)
    {
        var text = answer.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal))
        {
            return text;
        }

        var firstNewline = text.IndexOf('\n', StringComparison.Ordinal);
        var lastFence = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstNewline > 0 && lastFence > firstNewline ? text[(firstNewline + 1)..lastFence] : text;
    }
}
