using System.Diagnostics.CodeAnalysis;

namespace Mai.Client;

/// <summary>One HTTP attempt made on behalf of a logical call: which deployment answered, how, and how long the client waited after it.</summary>
/// <remarks>A record with init properties, not a positional one, so that it can grow without breaking callers.</remarks>
public sealed record MaiAttempt
{
    /// <summary>Initializes a new instance; set the properties with an object initializer.</summary>
    public MaiAttempt()
    {
    }

    [SetsRequiredMembers]
    internal MaiAttempt(int number, string? deployment, int? status, string reason, TimeSpan wait, TimeSpan duration)
    {
        Number = number;
        Deployment = deployment;
        Status = status;
        Reason = reason;
        Wait = wait;
        Duration = duration;
    }

    /// <summary>Gets the attempt's 1-based number within the call.</summary>
    public required int Number { get; init; }

    /// <summary>Gets the name of the deployment the attempt was sent to, or <see langword="null"/> when the pipeline has a single unnamed one.</summary>
    public string? Deployment { get; init; }

    /// <summary>Gets the HTTP status the service answered with; <see langword="null"/> when no response arrived (connection failure, timeout).</summary>
    public int? Status { get; init; }

    /// <summary>Gets why the attempt failed (an error code, exception kind or <c>"ok"</c> for success).</summary>
    public required string Reason { get; init; }

    /// <summary>Gets how long the client waited after this attempt before the next one; <see cref="TimeSpan.Zero"/> for the last.</summary>
    public TimeSpan Wait { get; init; }

    /// <summary>Gets how long the attempt took, from send to its end (for a stream: until it completed or failed).</summary>
    public TimeSpan Duration { get; init; }
}
