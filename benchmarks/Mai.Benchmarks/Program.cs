using BenchmarkDotNet.Running;
using Mai.Benchmarks;

if (args.Length > 0 && args[0] == "--verify")
{
    foreach (var scenario in Enum.GetValues<Scenario>())
    {
        using var c = new Contenders(scenario);
        foreach (var (name, call, expected) in Verification.Calls(c))
        {
            var actual = await call();
            Console.WriteLine($"{scenario,-12} {name,-15} {actual,14} {(actual == expected ? "ok" : $"MISMATCH (expected {expected})")}");
            if (actual != expected)
            {
                Environment.ExitCode = 1;
            }
        }
    }

    using var claude = new ClaudeContenders();
    foreach (var (name, call, expected) in claude.Calls)
    {
        var actual = await call();
        Console.WriteLine($"{"ClaudeStream",-12} {name,-15} {actual,14} {(actual == expected ? "ok" : $"MISMATCH (expected {expected})")}");
        if (actual != expected)
        {
            Environment.ExitCode = 1;
        }
    }

    return;
}

if (args.Length > 0 && args[0] == "--per-chunk")
{
    await Probe.PerChunkAsync(args.Length > 1 ? args[1] : null);
    return;
}

if (args.Length > 0 && args[0] == "--probe")
{
    await Probe.RunAsync(args.Length > 1 ? args[1] : null, args.Length > 2 ? args[2] : null);
    return;
}

if (args.Length > 3 && args[0] == "--alloc")
{
    await AllocationSampler.RunAsync(args[1], args[2], int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture));
    return;
}

var summaries = BenchmarkSwitcher.FromAssembly(typeof(Contenders).Assembly).Run(args);
RatioReport.Write(summaries);
