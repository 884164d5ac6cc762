using System.Text.Json;

namespace Mai.Emulator.Tests.TestSupport;

internal static class Tools
{
    public const string WeatherSchema = """
        {"type":"object","properties":{
          "city":{"type":"string","description":"city name"},
          "unit":{"type":"string","enum":["celsius","fahrenheit"]},
          "days":{"type":"integer","minimum":1,"maximum":5},
          "hourly":{"type":"boolean"},
          "threshold":{"type":"number","minimum":0.5,"maximum":2.5},
          "tags":{"type":"array","items":{"type":"string"},"minItems":2},
          "where":{"type":"object","properties":{"lat":{"type":"number"},"lon":{"type":"number"}},"required":["lat","lon"]}
        },"required":["city","unit","days","where"]}
        """;

    /// <summary>Asserts that <paramref name="arguments"/> is valid against <see cref="WeatherSchema"/>.</summary>
    public static void AssertValidWeather(string arguments)
    {
        using var doc = JsonDocument.Parse(arguments);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        Assert.Equal(JsonValueKind.String, root.GetProperty("city").ValueKind);
        Assert.Contains(root.GetProperty("unit").GetString(), new[] { "celsius", "fahrenheit" });
        var days = root.GetProperty("days");
        Assert.True(days.TryGetInt32(out var d) && d is >= 1 and <= 5, $"days={days}");
        var where = root.GetProperty("where");
        Assert.Equal(JsonValueKind.Number, where.GetProperty("lat").ValueKind);
        Assert.Equal(JsonValueKind.Number, where.GetProperty("lon").ValueKind);
        if (root.TryGetProperty("hourly", out var hourly))
        {
            Assert.True(hourly.ValueKind is JsonValueKind.True or JsonValueKind.False);
        }

        if (root.TryGetProperty("threshold", out var t))
        {
            Assert.InRange(t.GetDouble(), 0.5, 2.5);
        }

        if (root.TryGetProperty("tags", out var tags))
        {
            Assert.True(tags.GetArrayLength() >= 2);
            Assert.All(tags.EnumerateArray(), x => Assert.Equal(JsonValueKind.String, x.ValueKind));
        }
    }
}
