using System.Text.Json;
using Azure;
using Mai.Client.Accounting;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace Mai.Client.Redis.Fleet;

/// <summary>What one application instance saw when it fired its calls at a deployment with a tokens-per-minute quota.</summary>
/// <param name="Answered">Calls that ended with an answer.</param>
/// <param name="Throttled">Calls the service answered 429 (sent, then refused by the service).</param>
/// <param name="Refused">Calls the client refused before sending (never admitted): the client-side quota was spent, or the
/// deployment's circuit breaker had opened after a run of 429s (the documented fail-fast, <c>BrokenCircuitException</c>).</param>
/// <param name="Other">Calls that ended any other way (a test failure: each is listed in <paramref name="Failures"/>).</param>
/// <param name="UsageRecords">The usage records in the instance's ledger: one per attempt that reached the service.</param>
/// <param name="FellBack">Whether the Redis store fell back to its local limiter at any point.</param>
/// <param name="Failures">The unexpected exceptions, as type and message.</param>
public sealed record FleetReport(int Answered, int Throttled, int Refused, int Other, int UsageRecords, bool FellBack, IReadOnlyList<string> Failures)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static FleetReport FromJson(string json) => JsonSerializer.Deserialize<FleetReport>(json)!;
}

/// <summary>One application instance of the fleet: its own connection to Redis (or none), its own <see cref="MaiClient"/>, its
/// calls all at once. The proof tests run it in separate processes (this program) and in-process.</summary>
public static class FleetMember
{
    public const string Prompt = "Why is the sky blue?";
    public const int MaxOutputTokens = 16;

    /// <summary>Fires <paramref name="calls"/> concurrent calls and reports how each ended.</summary>
    /// <param name="endpoint">The emulator's endpoint.</param>
    /// <param name="apiKey">The emulator's key.</param>
    /// <param name="model">The deployment (model) with the quota.</param>
    /// <param name="tokensPerMinute">The deployment's quota, configured on the client.</param>
    /// <param name="redis">The Redis configuration string for a shared store, or <see langword="null"/> for the local limiter.</param>
    /// <param name="keyPrefix">The shared store's key prefix.</param>
    /// <param name="calls">How many calls to fire at once.</param>
    /// <param name="ready">Awaited once the client is built and connected, before the calls are fired (a start barrier); <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    public static async Task<FleetReport> RunAsync(
        Uri endpoint, string apiKey, string model, int tokensPerMinute, string? redis, string keyPrefix, int calls, Func<Task>? ready, CancellationToken cancellationToken)
    {
        await using var connection = redis is null ? null : await ConnectionMultiplexer.ConnectAsync(redis);
        await using var store = connection is null
            ? null
            : new RedisRateLimitStore(connection, new RedisRateLimitStoreOptions { KeyPrefix = keyPrefix, Timeout = TimeSpan.FromSeconds(10) });
        var ledger = new UsageLedger();
        var options = new MaiClientOptions
        {
            Endpoint = endpoint,
            ApiKey = apiKey,
            Model = model,
            TokensPerMinute = tokensPerMinute,
            RateLimitStore = store,
            Ledger = ledger,
        };
        options.Resilience.MaxRetries = 0; // a 429 ends the call: the count of 429s is what is measured
        using var client = new MaiClient(options);
        var fellBack = false;
        if (ready is not null)
        {
            await ready();
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, calls).Select(async _ =>
        {
            try
            {
                var result = await client.AskAsync(Prompt, new ChatOptions { MaxOutputTokens = MaxOutputTokens }, cancellationToken);
                fellBack |= store?.IsFallingBack ?? false;
                return string.IsNullOrEmpty(result.Answer) || result.UsageRecords.Count != 1 ? "other: empty answer or not one usage record" : "answered";
            }
            catch (RequestFailedException ex) when (ex.Status == 429)
            {
                return "throttled";
            }
            catch (BudgetExceededException)
            {
                return "refused";
            }
            catch (BrokenCircuitException)
            {
                // With local limiters an instance that drew mostly 429s opens its breaker (429 counts as a failure, as in
                // Microsoft.Extensions.Http.Resilience); the rest of its calls are refused before sending.
                return "refused";
            }
            catch (Exception ex)
            {
                return $"other: {ex.GetType().Name}: {ex.Message}";
            }
        }));

        var failures = outcomes.Where(o => o.StartsWith("other", StringComparison.Ordinal)).ToList();
        return new FleetReport(
            outcomes.Count(o => o == "answered"),
            outcomes.Count(o => o == "throttled"),
            outcomes.Count(o => o == "refused"),
            failures.Count,
            ledger.GetRecords().Count,
            fellBack || (store?.IsFallingBack ?? false),
            failures);
    }
}
