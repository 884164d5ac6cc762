using Microsoft.Extensions.AI;

namespace Mai.Client.Reasoning;

/// <summary>Adds <see cref="ReasoningChatClient"/> to a <see cref="ChatClientBuilder"/> pipeline.</summary>
public static class ReasoningChatClientBuilderExtensions
{
    /// <summary>Splits <c>&lt;think&gt;</c> reasoning from the answer of every response of the inner client.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseMaiReasoning(this ChatClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Use(inner => new ReasoningChatClient(inner));
    }
}
