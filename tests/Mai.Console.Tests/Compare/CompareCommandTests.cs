using System.Text.Json;
using Mai.Console.Compare.Reports;
using Mai.Console.Tests.TestSupport;
using Mai.Console.Usage;
using Mai.Emulator;

namespace Mai.Console.Tests.Compare;

/// <summary><c>mai compare</c> over the emulator (unpaced: the test environment serves <see cref="EmulatedModel.Defaults"/>).</summary>
public class CompareCommandTests
{
    private static readonly string[] ThreeModels = ["MAI-Thinking-1", "DeepSeek-R1", "gpt-4o"];

    [Fact]
    public async Task Run_ThreeEmulatedModelsTwentyPrompts_TableAndEveryReportFormat()
    {
        using var temp = new TempFolder();
        string[] outs = [temp.File("r.md"), temp.File("r.csv"), temp.File("r.json"), temp.File("r.html")];

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["compare", "--models", string.Join(',', ThreeModels), "--db", temp.File("usage.db"), .. outs.SelectMany(o => new[] { "--out", o })]);

        Assert.True(code == 0, stderr);

        // The table: one row per model, each labelled emulated, every call succeeded.
        foreach (var model in ThreeModels)
        {
            var row = Assert.Single(stdout.Split('\n'), l => l.Contains($"│ {model} (emulated)", StringComparison.Ordinal));
            Assert.Contains("20/20", row);
        }

        Assert.Contains("(emulated) = served by the embedded Mai emulator", stdout);
        Assert.All(outs, o => Assert.Contains($"mai: wrote {o}", stderr));

        // CSV: the header, then exactly one row per model with every column.
        var csv = File.ReadAllText(outs[1]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(CsvReportWriter.Header, csv[0]);
        Assert.Equal(ThreeModels, csv.Skip(1).Select(r => r.Split(',')[0]));
        var columns = CsvReportWriter.Header.Split(',').Length;
        Assert.All(csv.Skip(1), r => Assert.Equal(columns, r.Split(',').Length));
        Assert.All(csv.Skip(1), r => Assert.Equal(["true", "20", "20", "20"], r.Split(',')[1..5]));
        var gpt = csv[3].Split(',');
        Assert.Equal("USD", gpt[20]);
        Assert.True(decimal.Parse(gpt[19], System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("unknown", csv[1].Split(',')[19]); // MAI-Thinking-1 has no price: unknown, never 0

        // JSON: parses; 3 models and 60 calls whose tokens add up to the model totals.
        using var json = JsonDocument.Parse(File.ReadAllText(outs[2]));
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(ThreeModels, models.Select(m => m.GetProperty("model").GetString()));
        var calls = json.RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.Equal(60, calls.Count);
        Assert.All(calls, c => Assert.True(c.GetProperty("ok").GetBoolean()));
        foreach (var model in models)
        {
            var name = model.GetProperty("model").GetString();
            Assert.Equal(
                calls.Where(c => c.GetProperty("model").GetString() == name).Sum(c => c.GetProperty("output_tokens").GetInt64()),
                model.GetProperty("tokens").GetProperty("output_total").GetInt64());
            Assert.True(model.GetProperty("emulated").GetBoolean());
        }

        Assert.Equal(0, models[2].GetProperty("tokens").GetProperty("reasoning_total").GetInt64()); // gpt-4o does not reason
        Assert.True(models[1].GetProperty("tokens").GetProperty("reasoning_total").GetInt64() > 0);
        Assert.Equal(JsonValueKind.Null, models[0].GetProperty("cost").GetProperty("per_1000_calls").ValueKind);

        // Markdown: a table with a header, a separator and one row per model.
        var md = File.ReadAllLines(outs[0]).Where(l => l.StartsWith('|')).ToList();
        Assert.Equal(5, md.Count);
        Assert.StartsWith("| model | ok | pass rate |", md[0]);
        Assert.StartsWith("|---|", md[1]);
        Assert.Equal(ThreeModels.Select(m => $"| {m} (emulated) | 20/20 |"), md.Skip(2).Select(l => l[..l.IndexOf("20/20 |", StringComparison.Ordinal)] + "20/20 |"));

        // HTML: self-contained, three inline SVG charts, nothing fetched from anywhere.
        var html = File.ReadAllText(outs[3]);
        Assert.Equal(3, CountOf(html, "<svg"));
        Assert.Equal(3, CountOf(html, "</svg>"));
        Assert.DoesNotContain("http://", html);
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain(" src=", html);
        Assert.DoesNotContain("<link", html);
        Assert.Equal(60, CountOf(html, "<circle") / 2); // every successful call is a dot in both latency charts

        // Every call was recorded in the usage database as a compare call.
        var recorded = UsageStore.Read(temp.File("usage.db"), since: null);
        Assert.Equal(60, recorded.Count);
        Assert.All(recorded, r => Assert.Equal("compare", r.Command));
        Assert.All(recorded, r => Assert.True(r.Emulated));
    }

    [Fact]
    public async Task Run_PromptFileWithExpectations_ExactPassRatePerModel()
    {
        using var temp = new TempFolder();
        var prompts = temp.File("prompts.jsonl");
        File.WriteAllLines(prompts,
        [
            """{"prompt": "Explain recursion in two sentences.", "expect": {"contains": "recursion"}}""",
            """{"prompt": "What is the capital of Australia? Reply with the city only.", "expect": {"equals": "Canberra"}}""",
            """{"prompt": "Give a city and its population as JSON.", "expect": {"json_schema": {"type": "object", "properties": {"city": {"type": "string"}, "population": {"type": "integer"}}, "required": ["city", "population"]}}}""",
            """{"prompt": "Say hello."}""",
        ]);

        var (code, _, stderr) = await Cli.RunAsync(["compare", "--models", "gpt-4o,Mistral-small", "--prompts", prompts, "--runs", "2", "--out", temp.File("r.json")]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("r.json")));
        foreach (var model in json.RootElement.GetProperty("models").EnumerateArray())
        {
            // The emulator echoes the topic (contains passes), invents text (equals fails) and honours the schema it was sent.
            Assert.Equal(8, model.GetProperty("calls").GetInt32());
            Assert.Equal(6, model.GetProperty("checked").GetInt32());
            Assert.Equal(4, model.GetProperty("passed").GetInt32());
        }

        var calls = json.RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.All(calls.Where(c => c.GetProperty("prompt").GetInt32() == 2), c => Assert.False(c.GetProperty("passed").GetBoolean()));
        Assert.All(calls.Where(c => c.GetProperty("prompt").GetInt32() == 3), c => Assert.True(c.GetProperty("passed").GetBoolean()));
        Assert.All(calls.Where(c => c.GetProperty("prompt").GetInt32() == 4), c => Assert.Equal(JsonValueKind.Null, c.GetProperty("passed").ValueKind));
    }

    [Fact]
    public async Task Run_Judge_ScoresEveryAnswerAndReportsItsCostApart()
    {
        using var temp = new TempFolder();
        var prompts = temp.File("p.jsonl");
        File.WriteAllLines(prompts, ["""{"prompt": "Name a primary colour."}""", """{"prompt": "Name a prime number."}"""]);

        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "MAI-Thinking-1,Mistral-small", "--prompts", prompts, "--judge", "gpt-4o", "--out", temp.File("r.json")]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("r.json")));
        var judge = json.RootElement.GetProperty("judge");
        Assert.Equal("gpt-4o", judge.GetProperty("model").GetString());
        var judgeCost = judge.GetProperty("cost").GetDecimal();
        Assert.True(judgeCost > 0);
        var perModel = json.RootElement.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("judge")).ToList();
        Assert.All(perModel, j => Assert.Equal(2, j.GetProperty("scored").GetInt32()));
        Assert.All(perModel, j => Assert.InRange(j.GetProperty("mean").GetDouble(), 1, 5));
        Assert.Equal(judgeCost, perModel.Sum(j => j.GetProperty("cost").GetDecimal()));

        // The models' own cost stays unknown (no price for them); the judge's gpt-4o cost is not folded in.
        Assert.All(json.RootElement.GetProperty("models").EnumerateArray(), m => Assert.Equal(JsonValueKind.Null, m.GetProperty("cost").GetProperty("total").ValueKind));
        Assert.Contains("judge gpt-4o (emulated): ", stdout);
        Assert.Contains("for judging, not included above", stdout);
    }

    [Fact]
    public async Task Run_ModelWithItsOwnEndpoint_CallsGoThereWithItsKeyAndFailuresAreCountedByKind()
    {
        await using var own = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = "own-secret-key" }, TestContext.Current.CancellationToken);
        own.Script(EmulatorFault.Parse("500"), EmulatorFault.Parse("500"), EmulatorFault.Parse("content-filter"));
        using var temp = new TempFolder();
        var prompts = temp.File("p.jsonl");
        File.WriteAllLines(prompts, Enumerable.Range(1, 5).Select(i => $$"""{"prompt": "Question {{i}}?"}"""));

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["compare", "--models", "MAI-Thinking-1,gpt-4o", "--prompts", prompts, "--concurrency", "1", "--max-retries", "0",
             "--model-endpoint", $"gpt-4o={own.Endpoint}", "--model-key", "gpt-4o=own-secret-key", "--out", temp.File("r.json")]);

        Assert.True(code == 0, stderr);
        Assert.Equal(5, own.Requests.Count);
        Assert.All(own.Requests, r => Assert.Contains("\"model\":\"gpt-4o\"", r.Body));
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("r.json")));
        var gpt = json.RootElement.GetProperty("models")[1];
        Assert.False(gpt.GetProperty("emulated").GetBoolean());
        Assert.Equal(2, gpt.GetProperty("succeeded").GetInt32());
        Assert.Equal(2, gpt.GetProperty("errors").GetProperty("HTTP 500 InternalServerError").GetInt32());
        Assert.Equal(1, gpt.GetProperty("errors").GetProperty("HTTP 400 content_filter").GetInt32());
        Assert.Matches(@"│ gpt-4o +│", stdout);
        Assert.Contains("HTTP 500 InternalServerError ×2, HTTP 400 content_filter ×1", stdout);
        Assert.DoesNotContain("own-secret-key", stdout + stderr + File.ReadAllText(temp.File("r.json")));
    }

    [Fact]
    public async Task Run_ModelEndpointFromEnvironment_UsedForThatModelOnly()
    {
        await using var own = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = "env-key" }, TestContext.Current.CancellationToken);
        using var temp = new TempFolder();
        var prompts = temp.File("p.jsonl");
        File.WriteAllLines(prompts, ["""{"prompt": "Hi?"}""", """{"prompt": "Bye?"}"""]);
        Dictionary<string, string?> env = new()
        {
            ["MAI_MODELS__DeepSeek-R1__ENDPOINT"] = own.Endpoint.ToString(),
            ["MAI_MODELS__DeepSeek_R1__KEY"] = "env-key",
        };

        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "gpt-4o,DeepSeek-R1", "--prompts", prompts], env);

        Assert.True(code == 0, stderr);
        Assert.Equal(2, own.Requests.Count);
        Assert.All(own.Requests, r => Assert.Contains("\"model\":\"DeepSeek-R1\"", r.Body));
        Assert.Matches(@"│ gpt-4o \(emulated\) +│", stdout);
        Assert.Matches(@"│ DeepSeek-R1 +│", stdout);
    }

    [Fact]
    public async Task Run_UnknownModelWithoutEndpoint_ErrorBeforeAnyCall()
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "gpt-4o,claude-9"]);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("'claude-9' has no endpoint", stderr);
        Assert.Contains("MAI_MODELS__claude-9__ENDPOINT", stderr);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public async Task Run_Json_StdoutIsTheJsonReportAloneNotesOnStderr()
    {
        using var temp = new TempFolder();

        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "gpt-4o", "--json", "--db", "none"]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("gpt-4o", Assert.Single(json.RootElement.GetProperty("models").EnumerateArray()).GetProperty("model").GetString());
        Assert.Equal(20, json.RootElement.GetProperty("calls").GetArrayLength());
        Assert.Contains("(emulated) = served by the embedded Mai emulator", stderr);
    }
}
