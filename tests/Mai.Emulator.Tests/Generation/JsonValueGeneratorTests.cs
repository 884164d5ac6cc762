using System.Text.Json;

namespace Mai.Emulator.Tests.Generation;

public sealed class JsonValueGeneratorTests
{
    private static JsonElement Generate(string schema, ulong seed = 1)
    {
        using var doc = JsonDocument.Parse(schema);
        return JsonDocument.Parse(JsonValueGenerator.Generate(doc.RootElement, new DeterministicRandom(seed), "ocean tides", "Lisbon")).RootElement;
    }

    [Fact]
    public void Generate_RefsAnyOfConstAndNullableTypes_FollowsTheSchema()
    {
        const string schema = """
            {"type":"object","$defs":{"point":{"type":"object","properties":{"x":{"type":"integer","minimum":10,"maximum":10}},"required":["x"]}},
             "properties":{
               "p":{"$ref":"#/$defs/point"},
               "kind":{"const":"fixed"},
               "maybe":{"type":["null","string"]},
               "choice":{"anyOf":[{"type":"null"},{"type":"boolean"}]},
               "when":{"type":"string","format":"date-time"},
               "code":{"type":"string","minLength":30,"maxLength":40},
               "location":{"type":"string"},
               "list":{"type":"array","items":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":3},"minItems":3,"maxItems":3}
             }}
            """;

        var value = Generate(schema);

        Assert.Equal(10, value.GetProperty("p").GetProperty("x").GetInt32());
        Assert.Equal("fixed", value.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.String, value.GetProperty("maybe").ValueKind);
        Assert.True(value.GetProperty("choice").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(DateTimeOffset.TryParse(value.GetProperty("when").GetString(), out _));
        Assert.InRange(value.GetProperty("code").GetString()!.Length, 30, 40);
        Assert.Equal("Lisbon", value.GetProperty("location").GetString());
        Assert.Equal(3, value.GetProperty("list").GetArrayLength());
        Assert.All(value.GetProperty("list").EnumerateArray(), n => Assert.InRange(n.GetDouble(), 0.0001, 2.9999));
    }

    [Fact]
    public void Generate_RecursiveSchema_Terminates()
    {
        const string schema = """{"type":"object","properties":{"name":{"type":"string"},"child":{"$ref":"#"}},"required":["name"]}""";

        var value = Generate(schema);

        var depth = 0;
        while (value.TryGetProperty("child", out var child))
        {
            value = child;
            depth++;
        }

        Assert.InRange(depth, 1, 8);
        Assert.Equal(JsonValueKind.String, value.GetProperty("name").ValueKind);
    }

    [Fact]
    public void Generate_EnumPicks_AreDeterministicPerSeedAndCoverValues()
    {
        const string schema = """{"type":"string","enum":["a","b","c"]}""";

        var picks = Enumerable.Range(0, 30).Select(i => Generate(schema, (ulong)i).GetString()).ToList();

        Assert.Equal(picks, Enumerable.Range(0, 30).Select(i => Generate(schema, (ulong)i).GetString()));
        Assert.Equal(["a", "b", "c"], picks.Distinct().Order());
    }
}
