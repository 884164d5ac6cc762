using System.Text.Json;

namespace Mai.Console.Compare;

/// <summary>Prompts for <c>mai compare</c>: a JSON Lines file (<c>{"prompt": "...", "expect": {"contains"|"regex"|"equals"|"json_schema": ...}}</c>) or the built-in set.</summary>
internal static class PromptSet
{
    /// <summary>Reads a JSON Lines prompt file; blank lines and lines starting with <c>#</c> or <c>//</c> are skipped.</summary>
    /// <exception cref="ArgumentException">A line is not a valid prompt; the message names the line.</exception>
    public static IReadOnlyList<PromptCase> Parse(string text, string source)
    {
        var cases = new List<PromptCase>();
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            try
            {
                cases.Add(ParseLine(line, cases.Count + 1));
            }
            catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
            {
                throw new ArgumentException($"{source}, line {lineNumber}: {ex.Message}", ex);
            }
        }

        return cases.Count == 0 ? throw new ArgumentException($"{source} has no prompts.") : cases;
    }

    public static IReadOnlyList<PromptCase> Load(string path) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), path) : throw new ArgumentException($"--prompts: no file at '{path}'.");

    private static PromptCase ParseLine(string line, int number)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("prompt", out var prompt) || prompt.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(prompt.GetString()))
        {
            throw new ArgumentException("each line needs a non-empty \"prompt\" string.");
        }

        Expectation? expect = null;
        if (root.TryGetProperty("expect", out var e) && e.ValueKind != JsonValueKind.Null)
        {
            if (e.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException("\"expect\" must be an object with one of contains, regex, equals, json_schema.");
            }

            var kinds = e.EnumerateObject().ToList();
            if (kinds.Count != 1)
            {
                throw new ArgumentException($"\"expect\" must have exactly one of contains, regex, equals, json_schema; it has {kinds.Count}.");
            }

            var kind = kinds[0];
            expect = kind.Name switch
            {
                "contains" => Expectation.Contains(StringOf(kind)),
                "regex" => Expectation.Matches(StringOf(kind)),
                "equals" => Expectation.Equal(StringOf(kind)),
                "json_schema" when kind.Value.ValueKind == JsonValueKind.Object => Expectation.Schema(kind.Value),
                "json_schema" => throw new ArgumentException("\"json_schema\" must be a JSON schema object."),
                _ => throw new ArgumentException($"unknown expectation \"{kind.Name}\"; use contains, regex, equals or json_schema."),
            };
        }

        return new PromptCase(number, prompt.GetString()!, expect);
    }

    private static string StringOf(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.String && property.Value.GetString() is { Length: > 0 } text
            ? text
            : throw new ArgumentException($"\"{property.Name}\" must be a non-empty string.");

    /// <summary>Gets the built-in set: 20 short prompts with expectations of every kind (facts, formats, structured output).</summary>
    public static IReadOnlyList<PromptCase> BuiltIn { get; } = Parse(BuiltInJsonLines, "the built-in prompt set");

    private const string BuiltInJsonLines = """
        {"prompt": "What is the capital of Australia? Reply with the city name only.", "expect": {"equals": "Canberra"}}
        {"prompt": "What is the chemical symbol for gold?", "expect": {"regex": "\\bAu\\b"}}
        {"prompt": "How many days are in a leap year? Reply with the number only.", "expect": {"regex": "\\b366\\b"}}
        {"prompt": "Explain photosynthesis in two sentences.", "expect": {"contains": "light"}}
        {"prompt": "In which city is the Eiffel Tower?", "expect": {"contains": "Paris"}}
        {"prompt": "What is the chemical formula of water?", "expect": {"regex": "H2O|H₂O"}}
        {"prompt": "What is 7 times 8? Reply with the number only.", "expect": {"equals": "56"}}
        {"prompt": "Who wrote Romeo and Juliet?", "expect": {"contains": "Shakespeare"}}
        {"prompt": "Explain recursion to a new programmer in three sentences.", "expect": {"contains": "recursion"}}
        {"prompt": "What is the average time complexity of merge sort?", "expect": {"regex": "(?i)n\\s*log\\s*n"}}
        {"prompt": "Which planet in our solar system is the largest?", "expect": {"contains": "Jupiter"}}
        {"prompt": "Which organelle is called the powerhouse of the cell?", "expect": {"contains": "mitochondri"}}
        {"prompt": "Give the name and population of the largest city in Japan as JSON.", "expect": {"json_schema": {"type": "object", "properties": {"city": {"type": "string"}, "population": {"type": "integer", "minimum": 1}}, "required": ["city", "population"], "additionalProperties": false}}}
        {"prompt": "List the three primary colours of light as JSON.", "expect": {"json_schema": {"type": "object", "properties": {"colors": {"type": "array", "items": {"type": "string"}, "minItems": 3, "maxItems": 3}}, "required": ["colors"], "additionalProperties": false}}}
        {"prompt": "Extract the date, amount and currency from: 'Invoice paid on 2024-03-15 for 120.50 EUR'.", "expect": {"json_schema": {"type": "object", "properties": {"date": {"type": "string"}, "amount": {"type": "number"}, "currency": {"type": "string"}}, "required": ["date", "amount", "currency"], "additionalProperties": false}}}
        {"prompt": "Classify the sentiment of 'I love this bike!' as JSON.", "expect": {"json_schema": {"type": "object", "properties": {"sentiment": {"enum": ["positive", "negative", "neutral"]}}, "required": ["sentiment"], "additionalProperties": false}}}
        {"prompt": "Write a haiku about a bicycle.", "expect": {"contains": "bicycle"}}
        {"prompt": "Is the Pacific Ocean larger than the Atlantic Ocean? Start your answer with yes or no.", "expect": {"regex": "(?i)^\\W*yes\\b"}}
        {"prompt": "Write an SQL query that counts the rows of a table named orders.", "expect": {"contains": "count("}}
        {"prompt": "What does the acronym TCP stand for?", "expect": {"contains": "Transmission Control Protocol"}}
        """;
}
