using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>Composes the Mai layers (reasoning split, and the resilience and accounting layers configured in the options) around any <see cref="IChatClient"/>.</summary>
public static class MaiChatClientBuilderExtensions
{
    /// <summary>Adds the same layers <see cref="MaiClient"/> composes, around the builder's inner client.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="options">Pipeline options (endpoint settings are ignored); validated and copied. <see langword="null"/> uses the defaults.</param>
    /// <returns>The <paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public static ChatClientBuilder UseMaiPipeline(this ChatClientBuilder builder, MaiClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var validated = (options ?? new MaiClientOptions()).ValidateAndCopy(requireEndpoint: false, nameof(options));
        return builder.Use(inner => MaiPipeline.Compose(inner, validated));
    }
}
