using System.Runtime.CompilerServices;

namespace Mai.Client;

/// <summary>The one accessor for the attempts a failed call made, whatever the exception's type.</summary>
public static class MaiExceptionExtensions
{
    private static readonly ConditionalWeakTable<Exception, IReadOnlyList<MaiAttempt>> Attempts = [];

    /// <summary>
    /// Gets every attempt the failed call made, in order, the last one included (the same records a successful call has on
    /// <see cref="MaiResult.Attempts"/> and <see cref="MaiCallContext.Attempts"/>): from <paramref name="exception"/>, or else
    /// from the first of its inner exceptions that carries them.
    /// </summary>
    /// <param name="exception">An exception the pipeline threw (any type: the service's, a timeout, a stream interruption, …).</param>
    /// <returns>The attempts; empty when the exception did not come through the resilience layer (for example a budget refusal before any attempt).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="exception"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<MaiAttempt> GetMaiAttempts(this Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (Attempts.TryGetValue(e, out var attempts))
            {
                return attempts;
            }
        }

        return [];
    }

    /// <summary>Attaches the call's attempts to the exception it ends with (replacing any earlier list).</summary>
    internal static void SetMaiAttempts(this Exception exception, IReadOnlyList<MaiAttempt> attempts) =>
        Attempts.AddOrUpdate(exception, attempts);
}
