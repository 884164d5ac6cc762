namespace Mai.Client;

/// <summary>One HTTP attempt made on behalf of a logical call: which deployment answered, how, and how long the client waited after it.</summary>
/// <param name="Number">The attempt's 1-based number within the call.</param>
/// <param name="Deployment">The name of the deployment the attempt was sent to, or <see langword="null"/> when the pipeline has a single unnamed one.</param>
/// <param name="Status">The HTTP status the service answered with; <see langword="null"/> when no response arrived (connection failure, timeout).</param>
/// <param name="Reason">Why the attempt failed (an error code, exception kind or <c>"ok"</c> for success).</param>
/// <param name="Wait">How long the client waited after this attempt before the next one; <see cref="TimeSpan.Zero"/> for the last.</param>
/// <param name="Duration">How long the attempt took, from send to its end (for a stream: until it completed or failed).</param>
public sealed record MaiAttempt(int Number, string? Deployment, int? Status, string Reason, TimeSpan Wait, TimeSpan Duration);
