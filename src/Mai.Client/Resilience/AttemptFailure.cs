namespace Mai.Client.Resilience;

/// <summary>What the client learned from one failed attempt (classified once, by <see cref="TransientFailureClassifier"/>).</summary>
/// <param name="IsTransient">Whether the failure may go away on another attempt (and counts against the circuit breaker).</param>
/// <param name="Status">The HTTP status, or <see langword="null"/> when no response arrived.</param>
/// <param name="Reason">A short code: the service's error code, <c>http_NNN</c>, <c>connection_failure</c>, <c>attempt_timeout</c>, …</param>
/// <param name="ServerWait">The wait the service asked for in its response headers (or until a client-side quota frees up), if any.</param>
/// <param name="IsClientQuota">Whether the deployment's own client-side quota (<see cref="MaiDeployment.TokensPerMinute"/>,
/// <see cref="MaiDeployment.RequestsPerMinute"/>) refused the attempt before anything was sent: the call fails over at once.</param>
internal readonly record struct AttemptFailure(bool IsTransient, int? Status, string Reason, TimeSpan? ServerWait, bool IsClientQuota = false);
