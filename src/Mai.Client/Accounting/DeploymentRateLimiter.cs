using System.Globalization;
using System.Threading.RateLimiting;
using Mai.Client.Errors;

namespace Mai.Client.Accounting;

/// <summary>
/// Client-side TPM/RPM admission for one deployment: two sliding-window limiters (one minute, six 10 s segments) from
/// System.Threading.RateLimiting, replenished by a <see cref="TimeProvider"/> timer so tests drive them with a fake clock.
/// </summary>
internal sealed class DeploymentRateLimiter : IDisposable
{
    private static readonly TimeSpan Segment = AccountingDefaults.QuotaWindow / AccountingDefaults.QuotaSegments;

    private readonly Lock _gate = new();
    private readonly string _deployment;
    private readonly int? _tokensPerMinute;
    private readonly int? _requestsPerMinute;
    private readonly SlidingWindowRateLimiter? _tokens;
    private readonly SlidingWindowRateLimiter? _requests;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;

    public DeploymentRateLimiter(string deployment, int? tokensPerMinute, int? requestsPerMinute, TimeProvider timeProvider)
    {
        _deployment = deployment;
        _tokensPerMinute = tokensPerMinute;
        _requestsPerMinute = requestsPerMinute;
        _timeProvider = timeProvider;
        _tokens = tokensPerMinute is { } tpm ? Create(tpm) : null;
        _requests = requestsPerMinute is { } rpm ? Create(rpm) : null;
        _timer = timeProvider.CreateTimer(static state => ((DeploymentRateLimiter)state!).Replenish(), this, Segment, Segment);
    }

    /// <summary>Takes one request and <paramref name="tokens"/> tokens, or throws without taking anything.</summary>
    public void Admit(int tokens)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_requests is not null && Available(_requests) < 1)
            {
                throw Refusal("requests", _requestsPerMinute!.Value, Available(_requests), 1, now);
            }

            if (_tokens is not null && (tokens > _tokensPerMinute!.Value || Available(_tokens) < tokens))
            {
                throw Refusal("tokens", _tokensPerMinute!.Value, Available(_tokens), tokens, now);
            }

            using var request = _requests?.AttemptAcquire(1);
            using var lease = tokens > 0 ? _tokens?.AttemptAcquire(tokens) : null;
        }
    }

    /// <summary>Lowers the local budgets to what the service says remains (never raises them).</summary>
    public void Correct(long? remainingTokens, long? remainingRequests)
    {
        lock (_gate)
        {
            Lower(_tokens, remainingTokens);
            Lower(_requests, remainingRequests);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        _tokens?.Dispose();
        _requests?.Dispose();
    }

    private static void Lower(SlidingWindowRateLimiter? limiter, long? remaining)
    {
        if (limiter is null || remaining is not { } left)
        {
            return;
        }

        var excess = Available(limiter) - Math.Max(left, 0);
        if (excess > 0)
        {
            using var lease = limiter.AttemptAcquire((int)excess);
        }
    }

    private static long Available(SlidingWindowRateLimiter limiter) => limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;

    // The limiter checks real (Stopwatch) time even on manual TryReplenish and skips a replenish that comes sooner than
    // Window / SegmentsPerWindow. A one-tick window makes that period zero, so the TimeProvider timer alone moves the window
    // one 10 s segment per tick: a permit comes back six segments (one minute of TimeProvider time) after it was taken.
    private static SlidingWindowRateLimiter Create(int limit) => new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = limit,
        Window = TimeSpan.FromTicks(1),
        SegmentsPerWindow = AccountingDefaults.QuotaSegments,
        QueueLimit = 0,
        AutoReplenishment = false,
    });

    private void Replenish()
    {
        lock (_gate)
        {
            _tokens?.TryReplenish();
            _requests?.TryReplenish();
        }
    }

    private BudgetExceededException Refusal(string unit, int limit, long left, long needed, DateTimeOffset now) => new(
        $"deployment '{_deployment}'",
        string.Create(CultureInfo.InvariantCulture, $"{limit} {unit} per minute (client-side quota)"),
        limit,
        left,
        needed,
        unit,
        string.Empty,
        now + Segment);
}
