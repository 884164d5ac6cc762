using Microsoft.Extensions.AI;
using Polly;

namespace Mai.Client.Resilience;

/// <summary>A deployment as the client runs it: its inner client, its circuit breaker, and until when the service asked to be left alone.</summary>
internal sealed class DeploymentState(string? name, IChatClient client, ResiliencePipeline? breaker)
{
    private long _throttledUntilUtcTicks;

    public string? Name { get; } = name;

    public IChatClient Client { get; } = client;

    /// <summary>Gets the deployment's circuit breaker, or <see langword="null"/> when retries are off.</summary>
    public ResiliencePipeline? Breaker { get; } = breaker;

    /// <summary>Remembers that the service asked for no traffic until <paramref name="until"/>.</summary>
    public void MarkThrottled(DateTimeOffset until)
    {
        var ticks = until.UtcTicks;
        long seen;
        do
        {
            seen = Interlocked.Read(ref _throttledUntilUtcTicks);
            if (seen >= ticks)
            {
                return;
            }
        }
        while (Interlocked.CompareExchange(ref _throttledUntilUtcTicks, ticks, seen) != seen);
    }

    /// <summary>Tells whether the service's requested wait is still running at <paramref name="now"/>.</summary>
    public bool IsThrottled(DateTimeOffset now) => Interlocked.Read(ref _throttledUntilUtcTicks) > now.UtcTicks;

    /// <summary>Gets the end of the last wait the service asked for (UTC).</summary>
    public DateTimeOffset ThrottledUntil => new(Interlocked.Read(ref _throttledUntilUtcTicks), TimeSpan.Zero);
}
