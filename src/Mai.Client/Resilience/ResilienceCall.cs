using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mai.Client.Resilience;

/// <summary>
/// The state of one logical call: its deadline, which deployment the next attempt goes to, the decision taken after the
/// last failure, and the attempts made so far. Attempts of one call run one after another, so no locking is needed.
/// </summary>
internal sealed partial class ResilienceCall : IDisposable
{
    public static readonly ResiliencePropertyKey<ResilienceCall> Key = new("mai.resilience.call");

    private readonly ResilienceRuntime _rt;
    private readonly MaiCallContext? _context;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource? _linkedCts;
    private readonly List<MaiAttempt> _attempts = [];

    private int _index;
    private int _attemptsOnCurrent;
    private int _attemptCount;
    private PendingAttempt? _pending;
    private NextStep _next;
    private TimeSpan? _serverWait;
    private TimeSpan? _plannedWait;
    private Exception? _decidedFor;
    private Func<RetryAfterTooLongException>? _refusal;

    public ResilienceCall(ResilienceRuntime runtime, ChatOptions? options, CancellationToken callerToken)
    {
        _rt = runtime;
        _context = MaiCallContext.Get(options);
        CallerToken = callerToken;
        var total = runtime.Options.TotalTimeout;
        if (total == Timeout.InfiniteTimeSpan)
        {
            Token = callerToken;
            return;
        }

        Deadline = runtime.Time.GetUtcNow() + total;
        _deadlineCts = new CancellationTokenSource(total, runtime.Time);
        _linkedCts = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadlineCts.Token);
        Token = _linkedCts.Token;
    }

    private enum NextStep
    {
        None,
        Retry,
        Failover,
        Stop,
    }

    /// <summary>Gets the caller's own token.</summary>
    public CancellationToken CallerToken { get; }

    /// <summary>Gets the token every attempt and wait observes: the caller's token and the call's deadline.</summary>
    public CancellationToken Token { get; }

    /// <summary>Gets when the call's <see cref="MaiResilienceOptions.TotalTimeout"/> runs out, or <see langword="null"/> when it has none.</summary>
    public DateTimeOffset? Deadline { get; }

    /// <summary>Gets whether the deadline, not the caller, cancelled the call.</summary>
    public bool DeadlineExpired => _deadlineCts?.IsCancellationRequested == true && !CallerToken.IsCancellationRequested;

    /// <summary>Gets the attempts recorded so far.</summary>
    public IReadOnlyList<MaiAttempt> Attempts => [.. _attempts];

    /// <summary>Gets the number of the attempt in flight (1-based).</summary>
    public int CurrentNumber { get; private set; }

    /// <summary>Gets the deployment of the attempt in flight.</summary>
    public DeploymentState? CurrentDeployment { get; private set; }

    /// <summary>Gets when the attempt in flight started (a <see cref="TimeProvider"/> timestamp).</summary>
    public long CurrentStart { get; private set; }

    public static ResilienceCall? From(ResilienceContext context) =>
        context.Properties.TryGetValue(Key, out var call) ? call : null;

    public void Dispose()
    {
        _linkedCts?.Dispose();
        _deadlineCts?.Dispose();
    }

    /// <summary>
    /// Makes one attempt on the deployment chosen for it, through that deployment's circuit breaker. Deployments whose
    /// circuit is open are skipped without counting an attempt. For a non-streaming call the attempt is recorded here;
    /// a stream's successful start is recorded when the stream ends.
    /// </summary>
    public async ValueTask<T> ExecuteAttemptAsync<T>(Func<IChatClient, CancellationToken, Task<T>> send, bool isStream)
    {
        SelectDeployment();
        while (true)
        {
            var deployment = _rt.Deployments[_index];
            var started = false;
            try
            {
                return await deployment.Breaker.ExecuteAsync(
                    async (state, _) =>
                    {
                        started = true;
                        return await state.RunAsync(deployment, send, isStream).ConfigureAwait(false);
                    },
                    this,
                    Token).ConfigureAwait(false);
            }
            catch (BrokenCircuitException) when (!started)
            {
                ResilienceLog.CircuitOpenSkipped(_rt.Logger, deployment.Name);
                if (!TryMoveToNextDeployment())
                {
                    if (_refusal is { } refusal)
                    {
                        throw refusal();
                    }

                    throw;
                }
            }
        }
    }

    private async Task<T> RunAsync<T>(DeploymentState deployment, Func<IChatClient, CancellationToken, Task<T>> send, bool isStream)
    {
        var time = _rt.Time;
        var start = time.GetTimestamp();
        _attemptCount++;
        _attemptsOnCurrent++;
        FlushPending(start, deployment.Name);
        CurrentNumber = _attemptCount;
        CurrentDeployment = deployment;
        CurrentStart = start;
        _refusal = null;

        try
        {
            var result = isStream ? await send(deployment.Client, Token).ConfigureAwait(false) : await SendWithTimeoutAsync(deployment.Client, send).ConfigureAwait(false);
            if (!isStream)
            {
                RecordSuccess(time.GetTimestamp());
            }

            return result;
        }
        catch (Exception exception)
        {
            var end = time.GetTimestamp();
            var failure = TransientFailureClassifier.Classify(exception, _rt.Options.RetryableStatusCodes, time.GetUtcNow(), Token);
            if (exception is OperationCanceledException && DeadlineExpired)
            {
                failure = failure with { Reason = "total_timeout" };
            }

            _pending = new PendingAttempt(CurrentNumber, deployment.Name, failure.Status, failure.Reason, time.GetElapsedTime(start, end), end);
            var tooLong = Decide(deployment, failure, exception);
            if (tooLong is not null)
            {
                throw tooLong;
            }

            throw;
        }
    }

    private async Task<T> SendWithTimeoutAsync<T>(IChatClient client, Func<IChatClient, CancellationToken, Task<T>> send)
    {
        var timeout = _rt.Options.AttemptTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await send(client, Token).ConfigureAwait(false);
        }

        var attemptCts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        Task<T>? task = null;
        try
        {
            task = send(client, attemptCts.Token);
            return await task.WaitAsync(timeout, _rt.Time, Token).ConfigureAwait(false);
        }
        catch (TimeoutException) when (task is { IsCompleted: false })
        {
            attemptCts.Cancel();
            throw CreateTimeout($"The attempt did not complete within AttemptTimeout ({timeout}).", timeout, "attempt_timeout");
        }
        finally
        {
            if (task is { IsCompleted: false })
            {
                // Abandoned (timeout or cancellation): let it finish in the background, observe its fault, then free the token.
                _ = task.ContinueWith(static (t, s) => { _ = t.Exception; ((IDisposable)s!).Dispose(); }, attemptCts, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
            else
            {
                attemptCts.Dispose();
            }
        }
    }

    /// <summary>Creates the timeout this layer raises for an attempt, a first update or an idle stream.</summary>
    public static TimeoutRejectedException CreateTimeout(string message, TimeSpan timeout, string reason)
    {
        var exception = new TimeoutRejectedException(message, timeout);
        exception.Data[TransientFailureClassifier.TimeoutReasonKey] = reason;
        return exception;
    }

    /// <summary>Chooses the deployment of the next attempt: moves on after a failover decision, and skips deployments the service asked to be left alone while a later one exists.</summary>
    private void SelectDeployment()
    {
        if (_next == NextStep.Failover && _index + 1 < _rt.Deployments.Length)
        {
            _index++;
            _attemptsOnCurrent = 0;
        }

        _next = NextStep.None;
        SkipThrottled();
    }

    private bool TryMoveToNextDeployment()
    {
        if (_index + 1 >= _rt.Deployments.Length)
        {
            return false;
        }

        _index++;
        _attemptsOnCurrent = 0;
        SkipThrottled();
        return true;
    }

    private void SkipThrottled()
    {
        var now = _rt.Time.GetUtcNow();
        while (_index + 1 < _rt.Deployments.Length && _rt.Deployments[_index].IsThrottled(now))
        {
            ResilienceLog.ThrottledSkipped(_rt.Logger, _rt.Deployments[_index].Name, _rt.Deployments[_index].ThrottledUntil);
            _index++;
            _attemptsOnCurrent = 0;
        }
    }

    private sealed record PendingAttempt(int Number, string? Deployment, int? Status, string Reason, TimeSpan Duration, long EndTimestamp);
}
