using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>The outcome of a call whose answer was read as a <typeparamref name="T"/> (structured output).</summary>
/// <typeparam name="T">The type the answer was read as.</typeparam>
public sealed class MaiResult<T> : MaiResult
{
    internal MaiResult(ChatResponse response, TimeSpan duration, MaiCallContext context, T value)
        : base(response, duration, timeToFirstToken: null, context) => Value = value;

    /// <summary>Gets the answer, deserialized.</summary>
    public T Value { get; }
}
