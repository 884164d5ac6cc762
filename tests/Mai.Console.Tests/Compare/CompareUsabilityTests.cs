using System.Text.Json;
using Mai.Console.Tests.TestSupport;

namespace Mai.Console.Tests.Compare;

/// <summary><c>mai compare</c> as people use it: in a narrow terminal, stopped with Ctrl+C, and read afterwards to see why a prompt failed.</summary>
public class CompareUsabilityTests
{
    [Theory]
    [InlineData(80)]
    [InlineData(60)]
    public async Task Run_NarrowTerminal_EveryLineFitsAndEveryFigureIsThere(int width)
    {
        var (code, stdout, stderr) = await Cli.RunAsync(["compare", "--models", "MAI-Thinking-1,gpt-4o", "--db", "none"], stdoutIsTerminal: true, width: width);

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
        Assert.Contains("MAI-Thinking-1 (emulated)", lines);
        Assert.Contains("gpt-4o (emulated)", lines);
        Assert.Equal(2, lines.Count(l => l.TrimStart().StartsWith("ok ", StringComparison.Ordinal) && l.TrimEnd().EndsWith("20/20", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.TrimStart().StartsWith("cost/1k calls", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_CtrlCAfterFiveCalls_ReportsWrittenWithWhatWasMeasuredMarkedIncomplete()
    {
        using var temp = new TempFolder();
        using var ctrlC = new CancellationTokenSource();
        var measured = 0;

        var (code, stdout, stderr) = await Cli.RunAsync(
            ["compare", "--models", "MAI-Thinking-1,gpt-4o", "--concurrency", "1", "--db", "none", "--out", temp.File("r.json"), "--out", temp.File("r.md")],
            interrupts: i => i.Stage += stage =>
            {
                if (stage == "measured" && Interlocked.Increment(ref measured) == 5)
                {
                    ctrlC.Cancel();
                }
            },
            ctrlCToProcess: ctrlC);

        Assert.Equal(130, code);
        Assert.Contains("mai: incomplete: stopped after 5 of 40 calls; the table and reports cover the calls that finished.", stderr);
        Assert.Contains($"mai: wrote {temp.File("r.json")}", stderr);
        Assert.Contains("MAI-Thinking-1 (emulated)", stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("r.json")));
        Assert.False(json.RootElement.GetProperty("complete").GetBoolean());
        Assert.Equal(40, json.RootElement.GetProperty("planned_calls").GetInt32());
        Assert.Equal(5, json.RootElement.GetProperty("calls").GetArrayLength());
        Assert.Contains("**Incomplete:** stopped after 5 of 40 calls", File.ReadAllText(temp.File("r.md")));
    }

    [Fact]
    public async Task Run_Reports_ShowEachPromptTextAnswersSideBySideAndWhichChecksPassed()
    {
        using var temp = new TempFolder();
        await File.WriteAllLinesAsync(temp.File("p.jsonl"), [
            """{"prompt": "Name a colour of the sky.", "expect": {"contains": "sky"}}""",
            """{"prompt": "Say something.", "expect": {"equals": "exactly this"}}""",
        ], TestContext.Current.CancellationToken);

        var (code, _, stderr) = await Cli.RunAsync(
            ["compare", "--models", "MAI-Thinking-1,gpt-4o", "--prompts", temp.File("p.jsonl"), "--db", "none", "--out", temp.File("r.json"), "--out", temp.File("r.html")]);

        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(temp.File("r.json")));
        var cases = json.RootElement.GetProperty("prompt_cases").EnumerateArray().ToList();
        Assert.Equal(["Name a colour of the sky.", "Say something."], cases.Select(c => c.GetProperty("text").GetString()));
        Assert.Equal(["contains sky", "equals exactly this"], cases.Select(c => c.GetProperty("expect").GetString()));
        var calls = json.RootElement.GetProperty("calls").EnumerateArray().ToList();
        Assert.All(calls, c => Assert.False(string.IsNullOrEmpty(c.GetProperty("answer").GetString())));
        Assert.All(calls.Where(c => c.GetProperty("prompt").GetInt32() == 1), c => Assert.Equal(c.GetProperty("answer").GetString()!.Contains("sky", StringComparison.Ordinal), c.GetProperty("passed").GetBoolean()));
        Assert.All(calls.Where(c => c.GetProperty("prompt").GetInt32() == 2), c => Assert.False(c.GetProperty("passed").GetBoolean()));

        var html = File.ReadAllText(temp.File("r.html"));
        Assert.Contains("<section class=\"prompt\" id=\"prompt-1\"><h3>Prompt 1</h3><p>Name a colour of the sky.</p>", html);
        Assert.Contains("<p class=\"note\">check: equals exactly this</p>", html);
        Assert.Contains("<th>MAI-Thinking-1 (emulated)</th><th>gpt-4o (emulated)</th>", html);
        Assert.Contains("<strong>failed</strong>", html);
        var answer = System.Net.WebUtility.HtmlEncode(calls.First(c => c.GetProperty("prompt").GetInt32() == 2).GetProperty("answer").GetString()!);
        Assert.Contains(answer, html);
    }
}
