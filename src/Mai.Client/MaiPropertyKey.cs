using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>
/// A typed, internal key for a value the pipeline's layers pass each other in <see cref="ChatOptions.AdditionalProperties"/>
/// (as Polly's <c>ResiliencePropertyKey&lt;T&gt;</c>): the name stays inside the library and the value comes back typed.
/// Names start with <see cref="MaiCallContext.InternalKeyPrefix"/>, so the transports never send them.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
internal sealed class MaiPropertyKey<T>(string name)
    where T : class
{
    public string Name { get; } = name;

    /// <summary>Gets the value stored under this key, or <see langword="null"/>.</summary>
    public T? Get(AdditionalPropertiesDictionary? properties) =>
        properties is not null && properties.TryGetValue(Name, out var value) ? value as T : null;

    /// <summary>Stores <paramref name="value"/> under this key.</summary>
    public void Set(AdditionalPropertiesDictionary properties, T value) => properties[Name] = value;
}
