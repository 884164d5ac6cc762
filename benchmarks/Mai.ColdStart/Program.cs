using System.Diagnostics;
using System.Globalization;
using Azure;
using Azure.AI.Inference;
using Azure.Core.Pipeline;
using Mai.Benchmarks;
using Mai.Client;

// Cold start, one fresh process per sample: the parent starts this program again as a child per contender and round (order
// alternated), and the child times building its client and its first short answer over the in-process canned handler.
// Usage: dotnet Mai.ColdStart.dll [--runs 10]         (parent)
//        dotnet Mai.ColdStart.dll --child azure|mai   (one sample; prints one line)
if (args.Length == 1 && args[0] == "--laps")
{
    Laps.Run();
    return 0;
}

if (args.Length == 2 && args[0] == "--child")
{
    return await Child.RunAsync(args[1]);
}

var runs = args.Length == 2 && args[0] == "--runs" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var contenders = new[] { "azure", "mai" };
var samples = contenders.ToDictionary(c => c, _ => new List<Sample>());
var self = Environment.ProcessPath!;
var dll = typeof(Child).Assembly.Location;
for (var round = 0; round < runs; round++)
{
    var order = round % 2 == 0 ? contenders : [.. contenders.Reverse()];
    foreach (var contender in order)
    {
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (!self.EndsWith("Mai.ColdStart", StringComparison.Ordinal) && !self.EndsWith("Mai.ColdStart.exe", StringComparison.Ordinal))
        {
            info.ArgumentList.Add(dll); // started as `dotnet Mai.ColdStart.dll`
        }

        info.ArgumentList.Add("--child");
        info.ArgumentList.Add(contender);
        var wall = Stopwatch.StartNew();
        using var child = Process.Start(info)!;
        var line = await child.StandardOutput.ReadToEndAsync();
        await child.WaitForExitAsync();
        wall.Stop();
        if (child.ExitCode != 0)
        {
            Console.Error.WriteLine($"{contender}: child failed ({child.ExitCode}): {line}");
            return 1;
        }

        var parts = line.Trim().Split(' ');
        samples[contender].Add(new Sample(
            wall.Elapsed.TotalMilliseconds,
            double.Parse(parts[0], CultureInfo.InvariantCulture),
            double.Parse(parts[1], CultureInfo.InvariantCulture),
            double.Parse(parts[2], CultureInfo.InvariantCulture),
            parts[3] == "True",
            parts[4] == "True"));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{runs} fresh processes per contender, medians (ms); load average before/after is printed by the caller"));
Console.WriteLine("| contender | process wall (start to exit) | build client | first call | build + first call | tokenizer loaded after build | after first call |");
Console.WriteLine("|---|---:|---:|---:|---:|---|---|");
foreach (var contender in contenders)
{
    var s = samples[contender];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {contender} | {Median(s, x => x.Wall):F1} | {Median(s, x => x.Build):F1} | {Median(s, x => x.First):F1} | {Median(s, x => x.Build + x.First):F1} | {Summary(s, x => x.TokenizerAfterBuild)} | {Summary(s, x => x.TokenizerAfterCall)} |"));
}

var gap = Median(samples["mai"], x => x.Build + x.First) - Median(samples["azure"], x => x.Build + x.First);
var wallGap = Median(samples["mai"], x => x.Wall) - Median(samples["azure"], x => x.Wall);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"MaiClient - raw SDK: build + first call {gap:+0.0;-0.0} ms, process wall {wallGap:+0.0;-0.0} ms"));
return 0;

static double Median(List<Sample> samples, Func<Sample, double> selector)
{
    var values = samples.Select(selector).Order().ToArray();
    return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
}

static string Summary(List<Sample> samples, Func<Sample, bool> selector) =>
    samples.All(selector) ? "yes" : samples.Any(selector) ? "sometimes" : "no";

internal sealed record Sample(double Wall, double Build, double First, double Since, bool TokenizerAfterBuild, bool TokenizerAfterCall);

internal static class Child
{
    private static readonly Uri Endpoint = new("http://127.0.0.1:5000/models");

    public static async Task<int> RunAsync(string contender)
    {
        // The canned bytes are built before timing starts (the same for both contenders).
        var bytes = CannedResponses.ShortAnswer;
        var http = new HttpClient(new CannedHandler(bytes, "application/json"));
        var sw = Stopwatch.StartNew();
        double build, first;
        bool tokenizerAfterBuild, tokenizerAfterCall;
        if (contender == "azure")
        {
            var options = new AzureAIInferenceClientOptions { Transport = new HttpClientTransport(http) };
            options.Retry.MaxRetries = 0;
            var client = new ChatCompletionsClient(Endpoint, new AzureKeyCredential("cold-start-key"), options);
            build = sw.Elapsed.TotalMilliseconds;
            tokenizerAfterBuild = TokenizerLoaded();
            var response = await client.CompleteAsync(new ChatCompletionsOptions
            {
                Messages = { new ChatRequestSystemMessage("You are a helpful assistant."), new ChatRequestUserMessage("Hello, how are you today?") },
                Model = "gpt-4o",
            });
            first = sw.Elapsed.TotalMilliseconds - build;
            Check(response.Value.Content);
        }
        else
        {
            using var client = new MaiClient(new MaiClientOptions
            {
                Endpoint = Endpoint,
                Model = "gpt-4o",
                ApiKey = "cold-start-key",
                HttpClient = http,
            });
            build = sw.Elapsed.TotalMilliseconds;
            tokenizerAfterBuild = TokenizerLoaded();
            var result = await client.AskAsync(
                [new(Microsoft.Extensions.AI.ChatRole.System, "You are a helpful assistant."), new(Microsoft.Extensions.AI.ChatRole.User, "Hello, how are you today?")]);
            first = sw.Elapsed.TotalMilliseconds - build;
            Check(result.Answer);
        }

        tokenizerAfterCall = TokenizerLoaded();
        var sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{build:F2} {first:F2} {sinceStart:F1} {tokenizerAfterBuild} {tokenizerAfterCall}"));
        return 0;
    }

    /// <summary>Whether a tokenizer vocabulary assembly is loaded (the o200k or cl100k data package): no vocabulary without it.</summary>
    private static bool TokenizerLoaded() =>
        AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name?.StartsWith("Microsoft.ML.Tokenizers.Data", StringComparison.Ordinal) == true);

    private static void Check(string? answer)
    {
        if (answer != CannedResponses.ShortAnswerText)
        {
            throw new InvalidOperationException($"Unexpected answer: {answer}");
        }
    }
}

/// <summary>Development aid (<c>--laps</c>): the time each layer takes to build the first time in a fresh process.</summary>
internal static class Laps
{
    public static void Run()
    {
        var sw = Stopwatch.StartNew();
        void Lap(string what)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-24} {sw.Elapsed.TotalMilliseconds,8:F1} ms"));
            sw.Restart();
        }

        var endpoint = new Uri("http://127.0.0.1:5000/models");
        using var http = new HttpClient(new CannedHandler(CannedResponses.ShortAnswer, "application/json"));
        Lap("canned handler");
        using var transport = new Mai.Client.Transport.AzureInferenceChatClient(endpoint, new AzureKeyCredential("k"), new Mai.Client.Transport.AzureInferenceChatClientOptions { HttpClient = http, DefaultModelId = "gpt-4o" });
        Lap("transport");
        using var reasoning = new Mai.Client.Reasoning.ReasoningChatClient(transport);
        Lap("reasoning");
        using var metering = new Mai.Client.Accounting.MeteringChatClient(reasoning, "d", "gpt-4o");
        Lap("metering");
        using var resilience = new Mai.Client.Resilience.ResilientChatClient(metering, null);
        Lap("resilience");
        var options = new MaiClientOptions { Endpoint = endpoint, Model = "gpt-4o", ApiKey = "k", HttpClient = http };
        Lap("options");
        using var client = new MaiClient(options);
        Lap("MaiClient (rest)");
    }
}
