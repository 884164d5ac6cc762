using System.Globalization;
using Microsoft.Extensions.AI;

namespace Mai.Client.Errors;

/// <summary>
/// A stream failed after at least one update had reached the caller, so it was not retried (that would replay or
/// duplicate text). Carries what was received; the failure is the inner exception.
/// </summary>
public sealed class StreamInterruptedException : Exception
{
    /// <summary>Initializes a new instance with a default message.</summary>
    public StreamInterruptedException()
        : this("The stream failed after output had reached the caller.")
    {
    }

    /// <summary>Initializes a new instance with a message.</summary>
    /// <param name="message">The message.</param>
    public StreamInterruptedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance with a message and the failure.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The failure that ended the stream.</param>
    public StreamInterruptedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal StreamInterruptedException(string? deployment, string text, string reasoningText, int updateCount, UsageDetails? usage, Exception innerException)
        : base(FormatMessage(deployment, text.Length, updateCount, innerException), innerException)
    {
        Deployment = deployment;
        Text = text;
        ReasoningText = reasoningText;
        UpdateCount = updateCount;
        Usage = usage;
    }

    /// <summary>Gets the answer text received before the failure (reasoning excluded), exactly as the caller saw it.</summary>
    public string Text { get; } = string.Empty;

    /// <summary>Gets the reasoning text (<see cref="TextReasoningContent"/>) received before the failure.</summary>
    public string ReasoningText { get; } = string.Empty;

    /// <summary>Gets how many updates reached the caller before the failure.</summary>
    public int UpdateCount { get; }

    /// <summary>Gets the last usage reported in the stream (<see cref="UsageContent"/>), or <see langword="null"/> when none had arrived.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>Gets the deployment that was streaming, or <see langword="null"/> when the pipeline has a single unnamed one.</summary>
    public string? Deployment { get; }

    private static string FormatMessage(string? deployment, int textLength, int updateCount, Exception inner) =>
        string.Format(
            CultureInfo.InvariantCulture,
            "The stream from {0} failed after {1} update(s) ({2} characters of answer text) with {3}; it was not retried because output had already reached the caller.",
            deployment is null ? "the service" : $"deployment '{deployment}'",
            updateCount,
            textLength,
            inner.GetType().Name);
}
