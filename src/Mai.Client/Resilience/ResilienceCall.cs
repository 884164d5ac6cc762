using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Mai.Client.Resilience;

/// <summary>
/// One logical call, and the one owner of its attempt loop: its deadline, which deployment the next attempt goes to, and
/// the attempts made so far. Each failure is classified once, when it happens; the decision (retry the same deployment,
/// fail over, stop) is taken right there and acted on by the loop in <see cref="ExecuteAsync{TState, T}"/>, which waits with
/// <see cref="TimeProvider"/>. Polly keeps the per-deployment circuit breakers. When the caller supplies a
/// <see cref="MaiResilienceOptions.Pipeline"/>, that pipeline owns the loop instead (each execution is one attempt).
/// Attempts of one call run one after another, so no locking is needed.
/// </summary>
internal sealed partial class ResilienceCall : IDisposable
{
    /// <summary>The breaker's view of an attempt's failure: its classification, set by the attempt before it rethrows.</summary>
    public static readonly ResiliencePropertyKey<bool> TransientFailureKey = new("mai.resilience.transient");

    private readonly ResilienceRuntime _rt;
    private readonly MaiCallContext? _context;
    private readonly CancellationTokenSource? _deadlineCts;
    private readonly CancellationTokenSource? _linkedCts;
    private readonly List<MaiAttempt> _attempts = [];

    private int _index;
    private bool _started;
    private int _attemptsOnCurrent;
    private int _attemptCount;
    private int _backoffAttempt;
    private double _backoffPrevious;
    private PendingAttempt? _pending;
    private NextStep _next;
    private TimeSpan? _plannedWait;
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
        _linkedCts = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken, _deadlineCts.Token) : null;
        Token = _linkedCts?.Token ?? _deadlineCts.Token;
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

    /// <summary>Gets when the attempt in flight started (a <see cref="TimeProvider.GetTimestamp"/> timestamp).</summary>
    public long CurrentStart { get; private set; }

    public void Dispose()
    {
        _linkedCts?.Dispose();
        _deadlineCts?.Dispose();
    }

    /// <summary>
    /// Runs the call's attempts until one succeeds or the decision after a failure is to stop: retries wait the server's
    /// requested wait or the back-off, failovers go on at once. With a caller-supplied pipeline, that pipeline runs them.
    /// </summary>
    /// <remarks>The attempt is <paramref name="send"/> with <paramref name="state"/> (a static callback, so no closure per call); the
    /// internal steps return <see cref="ValueTask{TResult}"/>, so an attempt that completes at once allocates no task per step.</remarks>
    public async ValueTask<T> ExecuteAsync<TState, T>(Func<IChatClient, TState, CancellationToken, Task<T>> send, TState state, bool isStream)
    {
        if (_rt.Options.Pipeline is { } pipeline && _rt.Retries)
        {
            var context = ResilienceContextPool.Shared.Get(Token);
            try
            {
                return await pipeline.ExecuteAsync(
                    static (_, s) => s.call.AttemptAsync(s.send, s.state, s.isStream),
                    context,
                    (call: this, send, state, isStream)).ConfigureAwait(false);
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }

        while (true)
        {
            try
            {
                return await AttemptAsync(send, state, isStream).ConfigureAwait(false);
            }
            catch (Exception) when (_next is NextStep.Retry or NextStep.Failover)
            {
                // The attempt decided to go on; anything else (stop, cancellation) propagates as it was thrown.
            }

            var delay = _next == NextStep.Failover ? TimeSpan.Zero : _serverWait ?? NextBackoff();
            _backoffAttempt++;
            if (delay > TimeSpan.Zero)
            {
                // Timers run in whole milliseconds (Task.Delay truncates): record what is actually waited.
                _plannedWait = TimeSpan.FromMilliseconds(Math.Floor(delay.TotalMilliseconds));
                await Task.Delay(delay, _rt.Time, Token).ConfigureAwait(false);
            }
            else
            {
                _plannedWait = TimeSpan.Zero;
            }
        }
    }

    /// <summary>
    /// Makes one attempt on the deployment chosen for it, through that deployment's circuit breaker. Deployments whose
    /// circuit is open are skipped without counting an attempt. For a non-streaming call the attempt is recorded here;
    /// a stream's successful start is recorded when the stream ends.
    /// </summary>
    private async ValueTask<T> AttemptAsync<TState, T>(Func<IChatClient, TState, CancellationToken, Task<T>> send, TState state, bool isStream)
    {
        SelectDeployment();
        while (true)
        {
            var deployment = _rt.Deployments[_index];
            if (deployment.Breaker is null)
            {
                return await RunAsync(deployment, send, state, isStream, context: null).ConfigureAwait(false);
            }

            _started = false;
            var context = ResilienceContextPool.Shared.Get(Token);
            try
            {
                return await deployment.Breaker.ExecuteAsync(
                    static (ctx, s) =>
                    {
                        s.call._started = true;
                        return s.call.RunAsync(s.deployment, s.send, s.state, s.isStream, ctx);
                    },
                    context,
                    (call: this, deployment, send, state, isStream)).ConfigureAwait(false);
            }
            catch (BrokenCircuitException) when (!_started)
            {
                ResilienceLog.CircuitOpenSkipped(_rt.Logger, deployment.Name);
                if (!TryMoveToNextDeployment())
                {
                    _next = NextStep.Stop;
                    if (_refusal is { } refusal)
                    {
                        throw refusal();
                    }

                    throw;
                }
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
    }

    private async ValueTask<T> RunAsync<TState, T>(DeploymentState deployment, Func<IChatClient, TState, CancellationToken, Task<T>> send, TState state, bool isStream, ResilienceContext? context)
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
        _next = NextStep.None;

        try
        {
            var result = isStream ? await send(deployment.Client, state, Token).ConfigureAwait(false) : await SendWithTimeoutAsync(deployment.Client, send, state).ConfigureAwait(false);
            if (!isStream)
            {
                RecordSuccess(time.GetTimestamp());
            }

            return result;
        }
        catch (Exception exception)
        {
            var end = time.GetTimestamp();
            var failure = TransientFailureClassifier.Classify(exception, _rt.Options.RetryableStatusCodes, time, Token);
            if (exception is OperationCanceledException && DeadlineExpired)
            {
                failure = failure with { Reason = "total_timeout" };
            }

            context?.Properties.Set(TransientFailureKey, failure.IsTransient);
            _pending = new PendingAttempt(CurrentNumber, deployment.Name, failure.Status, failure.Reason, time.GetElapsedTime(start, end), end);
            var tooLong = Decide(deployment, failure, exception);
            if (tooLong is not null)
            {
                throw tooLong;
            }

            throw;
        }
    }

    private async ValueTask<T> SendWithTimeoutAsync<TState, T>(IChatClient client, Func<IChatClient, TState, CancellationToken, Task<T>> send, TState state)
    {
        var timeout = _rt.Options.AttemptTimeout;
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return await send(client, state, Token).ConfigureAwait(false);
        }

        // One source per attempt: its own TimeProvider timer is the attempt timeout, and the call's token cancels it too.
        var attemptCts = new CancellationTokenSource(timeout, _rt.Time);
        var link = Token.UnsafeRegister(static s => Cancel((CancellationTokenSource)s!), attemptCts);
        Task<T>? task = null;
        try
        {
            task = send(client, state, attemptCts.Token);
            return await task.WaitAsync(attemptCts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (attemptCts.IsCancellationRequested && !Token.IsCancellationRequested)
        {
            throw CreateTimeout($"The attempt did not complete within MaiResilienceOptions.AttemptTimeout ({timeout}).", timeout, "attempt_timeout");
        }
        finally
        {
            if (task is { IsCompleted: false })
            {
                // Abandoned (timeout or cancellation): let it finish in the background, observe its fault, then free the source.
                _ = task.ContinueWith(
                    static (t, s) =>
                    {
                        _ = t.Exception;
                        var (cts, registration) = ((CancellationTokenSource, CancellationTokenRegistration))s!;
                        registration.Dispose();
                        cts.Dispose();
                    },
                    (attemptCts, link),
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }
            else
            {
                link.Dispose();
                attemptCts.Dispose();
            }
        }
    }

    private static void Cancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt already ended.
        }
    }

    /// <summary>Creates the timeout this layer raises for an attempt, a first update or an idle stream.</summary>
    public static TimeoutRejectedException CreateTimeout(string message, TimeSpan timeout, string reason)
    {
        var exception = new TimeoutRejectedException(message, timeout);
        exception.Data[TransientFailureClassifier.TimeoutReasonKey] = reason;
        return exception;
    }

    /// <summary>
    /// Polly's exponential back-off with jitter (the decorrelated-jitter "V2" formula its retry strategy uses for
    /// <see cref="DelayBackoffType.Exponential"/> with <c>UseJitter</c>): a median of <see cref="MaiResilienceOptions.BaseDelay"/>
    /// doubling per retry, capped at <see cref="MaiResilienceOptions.MaxDelay"/>.
    /// </summary>
    private TimeSpan NextBackoff()
    {
        const double PFactor = 4.0;
        const double RpScalingFactor = 1 / 1.4d;
        var baseTicks = _rt.Options.BaseDelay.Ticks;
        var max = _rt.Options.MaxDelay;
        var t = _backoffAttempt + Random.Shared.NextDouble();
        var next = Math.Pow(2, t) * Math.Tanh(Math.Sqrt(PFactor * t));
        if (double.IsInfinity(next))
        {
            _backoffPrevious = next;
            return max;
        }

        var ticks = (next - _backoffPrevious) * RpScalingFactor * baseTicks;
        _backoffPrevious = next;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)Math.Max(ticks, 0));
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
