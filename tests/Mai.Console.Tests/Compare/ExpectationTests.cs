using System.Text.Json;
using Mai.Console.Compare;

namespace Mai.Console.Tests.Compare;

public class ExpectationTests
{
    private static Expectation Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Expectation.Schema(document.RootElement);
    }

    [Theory]
    [InlineData("The capital is Canberra.", true)]
    [InlineData("the capital is CANBERRA", true)]
    [InlineData("Sydney", false)]
    public void Contains_CaseInsensitive(string answer, bool expected) => Assert.Equal(expected, Expectation.Contains("Canberra").Check(answer));

    [Theory]
    [InlineData("  Canberra.\n", true)]
    [InlineData("Canberra, Australia", false)]
    public void Equals_TrimmedCaseInsensitive(string answer, bool expected) => Assert.Equal(expected, Expectation.Equal("canberra").Check(answer));

    [Theory]
    [InlineData("A leap year has 366 days.", true)]
    [InlineData("A leap year has 3660 days.", false)]
    public void Regex_Matches(string answer, bool expected) => Assert.Equal(expected, Expectation.Matches(@"\b366\b").Check(answer));

    [Theory]
    [InlineData("""{"city":"Tokyo","population":14000000}""", true)]
    [InlineData("```json\n{\"city\":\"Tokyo\",\"population\":14000000}\n```", true)]
    [InlineData("""{"city":"Tokyo"}""", false)]
    [InlineData("""{"city":"Tokyo","population":"many"}""", false)]
    [InlineData("Tokyo has 14 million people.", false)]
    public void JsonSchema_ValidatesRequiredAndTypes(string answer, bool expected)
    {
        var schema = Schema("""{"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer"}},"required":["city","population"]}""");

        Assert.Equal(expected, schema.Check(answer));
    }

    [Fact]
    public void Matches_InvalidPattern_ArgumentExceptionNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => Expectation.Matches("(unclosed"));
        Assert.Contains("(unclosed", ex.Message);
    }

    [Fact]
    public void PromptSet_BuiltIn_TwentyPromptsEachWithAnExpectationOfEveryKind()
    {
        var set = PromptSet.BuiltIn;

        Assert.Equal(20, set.Count);
        Assert.All(set, p => Assert.NotNull(p.Expect));
        Assert.Equal(["contains", "equals", "json_schema", "regex"], set.Select(p => p.Expect!.Kind).Distinct().Order());
        Assert.Equal(Enumerable.Range(1, 20), set.Select(p => p.Number));
    }

    [Fact]
    public void PromptSet_BadLine_ErrorNamesTheLine()
    {
        var text = "{\"prompt\": \"ok\"}\n\n# comment\n{\"prompt\": \"x\", \"expect\": {\"startswith\": \"a\"}}\n";

        var ex = Assert.Throws<ArgumentException>(() => PromptSet.Parse(text, "p.jsonl"));

        Assert.StartsWith("p.jsonl, line 4: unknown expectation \"startswith\"", ex.Message);
    }

    [Fact]
    public void PromptSet_Parse_SkipsBlankAndCommentLines()
    {
        var set = PromptSet.Parse("// prompts\n{\"prompt\": \"a\"}\n\n{\"prompt\": \"b\", \"expect\": {\"contains\": \"b\"}}", "p");

        Assert.Equal(["a", "b"], set.Select(p => p.Prompt));
        Assert.Null(set[0].Expect);
        Assert.Equal("contains", set[1].Expect!.Kind);
    }
}
