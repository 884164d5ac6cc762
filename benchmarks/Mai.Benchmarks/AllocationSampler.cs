using System.Diagnostics.Tracing;
using System.Globalization;

namespace Mai.Benchmarks;

/// <summary>
/// Development aid: samples allocations by type through the runtime's GC AllocationTick event (one sample per ~100 KB allocated),
/// to show which types dominate a contender's allocated bytes.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private bool _enabled;

    public static async Task RunAsync(string contender, string scenarioName, int iterations)
    {
        var scenario = Enum.Parse<Scenario>(scenarioName, ignoreCase: true);
        using var c = new Contenders(scenario);
        var call = Verification.Calls(c).Single(x => x.Name.Equals(contender, StringComparison.OrdinalIgnoreCase)).Call;
        for (var i = 0; i < 100; i++)
        {
            await call().ConfigureAwait(false);
        }

        using var sampler = new AllocationSampler();
        sampler._enabled = true;
        for (var i = 0; i < iterations; i++)
        {
            await call().ConfigureAwait(false);
        }

        sampler._enabled = false;
        long total;
        lock (sampler._bytesByType)
        {
            total = sampler._bytesByType.Values.Sum();
            foreach (var (type, bytes) in sampler._bytesByType.OrderByDescending(kv => kv.Value).Take(40))
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{bytes * 100.0 / total,6:F1}%  {bytes / (double)iterations,9:F0} B/op  {type}"));
            }
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_enabled || eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var index = eventData.PayloadNames!.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        var type = index >= 0 ? eventData.Payload[index]?.ToString() ?? "?" : "?";
        var amount = amountIndex >= 0 ? Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture) : 100_000;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
