using Mai.Client.Accounting;
using Mai.Client.Errors;
using Mai.Client.Resilience;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Integration;

/// <summary>How one call through <see cref="MaiClient"/> ended: its result or exception, the waits the clock was advanced by, and what the caller saw.</summary>
internal sealed record CallOutcome(MaiResult? Result, Exception? Error, List<TimeSpan> Waits, List<MaiUpdate> Seen)
{
    /// <summary>Gets the attempts: the result's, or those the exception carries.</summary>
    public IReadOnlyList<MaiAttempt> Attempts => Result?.Attempts ?? Error?.GetMaiAttempts() ?? [];

    public MaiResult Ok => Result ?? throw new Xunit.Sdk.XunitException($"The call failed: {Error}");

    public T Failed<T>()
        where T : Exception => Assert.IsType<T>(Error ?? throw new Xunit.Sdk.XunitException("The call succeeded."), exactMatch: false);

    /// <summary>Makes one call (streamed or not) and drives the client's clock through its retry waits until it ends.</summary>
    public static Task<CallOutcome> RunAsync(MaiClient client, TestClock clock, bool streaming, string prompt = "Why is the sky blue?", ChatOptions? options = null, Func<TimeSpan, bool>? advance = null) =>
        RunWithTokenAsync(client, clock, streaming, prompt, options, EmulatorKit.Guard(), advance);

    /// <summary>Like <see cref="RunAsync"/>, with the caller's own token, telling <paramref name="onUpdate"/> of each update as the caller gets it.</summary>
    public static async Task<CallOutcome> RunWithTokenAsync(
        MaiClient client, TestClock clock, bool streaming, string prompt, ChatOptions? options, CancellationToken token, Func<TimeSpan, bool>? advance = null, Action<int>? onUpdate = null)
    {
        var seen = new List<MaiUpdate>();
        var call = streaming ? StreamAsync(client, prompt, options, seen, onUpdate, token) : client.AskAsync(prompt, options, token);
        var waits = await clock.DriveAsync(call, advance);
        try
        {
            return new CallOutcome(await call, null, waits, seen);
        }
        catch (Exception ex)
        {
            return new CallOutcome(null, ex, waits, seen);
        }
    }

    /// <summary>
    /// Makes <paramref name="count"/> calls at once, every other one streamed, and drives the clock until all end; each outcome
    /// is the call's reported output tokens (or what <paramref name="measure"/> reads from its usage), or -1 when a budget refused it.
    /// </summary>
    public static async Task<long[]> RunConcurrentlyAsync(
        MaiClient client, TestClock clock, ChatOptions options, int count, CancellationToken token, Func<MaiUsage, long>? measure = null)
    {
        measure ??= static usage => usage.OutputTokenCount;
        var calls = Enumerable.Range(0, count).Select(async i =>
        {
            await Task.Yield();
            try
            {
                var result = i % 2 == 0
                    ? await client.AskAsync("Why is the sky blue?", options, token)
                    : (await client.CollectAsync("Why is the sky blue?", options, cancellationToken: token))[^1].Result!;
                return measure(result.Usage!);
            }
            catch (BudgetExceededException)
            {
                return -1L;
            }
        }).ToList();
        var all = Task.WhenAll(calls);
        await clock.DriveAsync(all);
        return await all;
    }

    private static async Task<MaiResult> StreamAsync(MaiClient client, string prompt, ChatOptions? options, List<MaiUpdate> seen, Action<int>? onUpdate, CancellationToken cancellationToken)
    {
        await foreach (var update in client.StreamAsync(prompt, options, cancellationToken))
        {
            seen.Add(update);
            onUpdate?.Invoke(seen.Count);
        }

        return Assert.Single(seen, u => u.Kind == MaiUpdateKind.Completed).Result!;
    }
}
