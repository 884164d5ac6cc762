using System.Globalization;
using Mai.Client.Redis.Fleet;

// Usage: Mai.Client.Redis.Fleet <endpoint> <api-key> <model> <tokens-per-minute> <redis|local> <key-prefix> <calls>
// Builds its client, prints "ready", waits for a line on stdin (so the instances fire together), fires the calls, and prints
// one FleetReport as JSON on stdout.
if (args.Length != 7)
{
    await Console.Error.WriteLineAsync("usage: <endpoint> <api-key> <model> <tokens-per-minute> <redis|local> <key-prefix> <calls>");
    return 2;
}

using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
var report = await FleetMember.RunAsync(
    new Uri(args[0]),
    args[1],
    args[2],
    int.Parse(args[3], CultureInfo.InvariantCulture),
    args[4] == "local" ? null : args[4],
    args[5],
    int.Parse(args[6], CultureInfo.InvariantCulture),
    async () =>
    {
        Console.WriteLine("ready");
        await Console.In.ReadLineAsync(timeout.Token);
    },
    timeout.Token);
Console.WriteLine(report.ToJson());
return 0;
