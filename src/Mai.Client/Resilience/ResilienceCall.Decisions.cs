using Mai.Client.Errors;
using Microsoft.Extensions.AI;
using Polly.Timeout;

namespace Mai.Client.Resilience;

internal sealed partial class ResilienceCall
{
    private TimeSpan? _serverWait;
    private int _stalls;

    /// <summary>
    /// Decides what follows a failed attempt: retry the same deployment, fail over to the next, or stop. Returns the
    /// exception to throw instead of the service's when its requested wait cannot be honoured and there is nowhere to go.
    /// </summary>
    private RetryAfterTooLongException? Decide(DeploymentState deployment, AttemptFailure failure, Exception exception)
    {
        _serverWait = null;
        var pending = _pending!;
        if (!_rt.Retries)
        {
            _next = NextStep.Stop;
            return null;
        }

        if (failure.Reason is "first_update_timeout" or "attempt_timeout" && ++_stalls > ResilienceDefaults.StallRetries)
        {
            // A deployment that let a whole FirstUpdateTimeout or AttemptTimeout pass is down, not flaky: one more try (on the
            // next deployment when there is one), then the call ends. A silent stream costs at most twice the timeout.
            _next = NextStep.Stop;
            ResilienceLog.NotRetried(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration);
            return null;
        }

        var hasNext = _index + 1 < _rt.Deployments.Length;
        if (failure.IsClientQuota)
        {
            // Nothing was sent: the deployment's own quota is spent. Other calls skip it until it frees up; this one fails
            // over at once to a deployment that may have quota (whatever MaxRetries says: nothing was sent), or stops on the last one.
            if (failure.ServerWait is { } freeIn)
            {
                deployment.MarkThrottled(_rt.Time.GetUtcNow() + freeIn);
            }

            if (hasNext)
            {
                _next = NextStep.Failover;
                ResilienceLog.FailingOver(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration, _rt.Deployments[_index + 1].Name);
                return null;
            }

            _next = NextStep.Stop;
            ResilienceLog.NotRetried(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration);
            return null;
        }

        if (!failure.IsTransient)
        {
            _next = NextStep.Stop;
            ResilienceLog.NotRetried(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration);
            return null;
        }

        var budgetLeft = _rt.IsCustomPipeline || _attemptCount < _rt.Options.MaxAttempts;
        if (failure.ServerWait is { } wait)
        {
            var now = _rt.Time.GetUtcNow();
            deployment.MarkThrottled(now + wait);
            var left = Deadline is { } deadline ? deadline - now : (TimeSpan?)null;
            var cap = _rt.Options.MaxRetryAfter;
            var overCap = wait > cap;
            if (overCap || wait > left)
            {
                var limit = overCap ? cap : left!.Value;
                var limitName = overCap ? "MaxRetryAfter" : "the time left before TotalTimeout";
                ResilienceLog.RetryAfterTooLong(_rt.Logger, deployment.Name, wait, limitName, limit);
                var status = failure.Status;
                RetryAfterTooLongException Refuse() => new(wait, now + wait, limit, limitName, deployment.Name, status, exception);
                if (hasNext && budgetLeft)
                {
                    _next = NextStep.Failover;
                    _refusal = Refuse;
                    ResilienceLog.FailingOver(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration, _rt.Deployments[_index + 1].Name);
                    return null;
                }

                _next = NextStep.Stop;
                return Refuse();
            }

            _serverWait = wait;
        }

        if (!budgetLeft)
        {
            _next = NextStep.Stop;
            ResilienceLog.NotRetried(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration);
            return null;
        }

        if (hasNext && _attemptsOnCurrent >= _rt.Options.MaxAttemptsPerDeployment)
        {
            _next = NextStep.Failover;
            ResilienceLog.FailingOver(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration, _rt.Deployments[_index + 1].Name);
        }
        else
        {
            _next = NextStep.Retry;
            ResilienceLog.Retrying(_rt.Logger, pending.Number, deployment.Name, failure.Reason, failure.Status, pending.Duration, failure.ServerWait);
        }

        return null;
    }

    /// <summary>Records the previous failed attempt, with the wait that followed it, as a new attempt starts.</summary>
    private void FlushPending(long now, string? nextDeployment)
    {
        if (_pending is not { } pending)
        {
            return;
        }

        var wait = _plannedWait ?? _rt.Time.GetElapsedTime(pending.EndTimestamp, now);
        _plannedWait = null;
        _pending = null;
        Record(new MaiAttempt(pending.Number, pending.Deployment, pending.Status, pending.Reason, wait, pending.Duration));
        ResilienceTelemetry.RecordRetry(pending.Deployment, nextDeployment, pending.Reason, pending.Status);
    }

    private void RecordSuccess(long end)
    {
        var deployment = CurrentDeployment!;
        Record(new MaiAttempt(CurrentNumber, deployment.Name, 200, "ok", TimeSpan.Zero, _rt.Time.GetElapsedTime(CurrentStart, end)));
        if (CurrentNumber > 1)
        {
            ResilienceLog.SucceededAfterRetries(_rt.Logger, CurrentNumber, deployment.Name);
        }
    }

    private void Record(MaiAttempt attempt)
    {
        _attempts.Add(attempt);
        _context?.AddAttempt(attempt);
    }

    /// <summary>Records a stream's attempt when the stream ends, completes or is abandoned by the caller.</summary>
    public void RecordStreamEnd(string reason)
    {
        if (reason == "ok")
        {
            RecordSuccess(_rt.Time.GetTimestamp());
            return;
        }

        Record(new MaiAttempt(CurrentNumber, CurrentDeployment?.Name, null, reason, TimeSpan.Zero, _rt.Time.GetElapsedTime(CurrentStart)));
    }

    /// <summary>Records a stream that failed after its first update and builds the exception that carries what was received.</summary>
    public Exception InterruptStream(Exception exception, StreamProgress progress)
    {
        if (exception is OperationCanceledException && CallerToken.IsCancellationRequested)
        {
            RecordStreamEnd("cancelled");
            return Fail(exception);
        }

        if (exception is OperationCanceledException && DeadlineExpired)
        {
            exception = DeadlineException(exception);
        }

        var failure = TransientFailureClassifier.Classify(exception, _rt.Options.RetryableStatusCodes, _rt.Time, CancellationToken.None);
        Record(new MaiAttempt(CurrentNumber, CurrentDeployment?.Name, failure.Status, failure.Reason, TimeSpan.Zero, _rt.Time.GetElapsedTime(CurrentStart)));
        ResilienceLog.StreamInterrupted(_rt.Logger, CurrentDeployment?.Name, progress.UpdateCount, failure.Reason);
        var interrupted = new StreamInterruptedException(CurrentDeployment?.Name, progress.Text, progress.ReasoningText, progress.UpdateCount, progress.Usage, exception);
        interrupted.SetMaiAttempts(Attempts);
        return interrupted;
    }

    /// <summary>
    /// Finishes a failed call: records the last attempt, turns the deadline's cancellation into a
    /// <see cref="TimeoutRejectedException"/>, and attaches the attempts to the exception.
    /// </summary>
    /// <returns>The exception to throw: <paramref name="exception"/> itself, or the deadline's timeout.</returns>
    public Exception Fail(Exception exception)
    {
        if (_pending is { } pending)
        {
            _pending = null;
            Record(new MaiAttempt(pending.Number, pending.Deployment, pending.Status, pending.Reason, TimeSpan.Zero, pending.Duration));
        }

        if (exception is OperationCanceledException && DeadlineExpired)
        {
            exception = DeadlineException(exception);
        }

        exception.SetMaiAttempts(Attempts);
        return exception;
    }

    private TimeoutRejectedException DeadlineException(Exception inner)
    {
        var total = _rt.Options.TotalTimeout;
        var timeout = new TimeoutRejectedException($"The call did not complete within MaiResilienceOptions.TotalTimeout ({total}).", total, inner);
        timeout.Data[TransientFailureClassifier.TimeoutReasonKey] = "total_timeout";
        return timeout;
    }
}
