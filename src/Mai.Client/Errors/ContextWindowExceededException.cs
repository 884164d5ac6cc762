using System.Globalization;

namespace Mai.Client.Errors;

/// <summary>Thrown before sending when the estimated prompt plus the maximum output exceeds the model's context window.</summary>
/// <remarks>It derives from <see cref="ArgumentException"/> (parameter <c>messages</c>): the request is invalid and retrying it cannot succeed.</remarks>
public sealed class ContextWindowExceededException : ArgumentException
{
    /// <summary>Initializes a new instance of the <see cref="ContextWindowExceededException"/> class.</summary>
    public ContextWindowExceededException()
        : base("The request does not fit the model's context window.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContextWindowExceededException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public ContextWindowExceededException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ContextWindowExceededException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ContextWindowExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal ContextWindowExceededException(string model, int contextWindow, int promptTokens, int maxOutputTokens)
        : base(
            string.Create(
                CultureInfo.InvariantCulture,
                $"The request needs {promptTokens + (long)maxOutputTokens} tokens (prompt ≈ {promptTokens} estimated + max output {maxOutputTokens}) but model '{model}' has a context window of {contextWindow} tokens: {promptTokens + (long)maxOutputTokens - contextWindow} tokens too many. Shorten the messages or lower MaxOutputTokens. No request was sent."),
            "messages")
    {
        ContextWindowTokens = contextWindow;
        PromptTokens = promptTokens;
        MaxOutputTokens = maxOutputTokens;
    }

    /// <summary>Gets the model's context window, in tokens.</summary>
    public int ContextWindowTokens { get; }

    /// <summary>Gets the estimated prompt tokens.</summary>
    public int PromptTokens { get; }

    /// <summary>Gets the maximum output tokens the request asked for (or the default reservation).</summary>
    public int MaxOutputTokens { get; }

    /// <summary>Gets by how many tokens the request exceeds the context window.</summary>
    public long ExcessTokens => PromptTokens + (long)MaxOutputTokens - ContextWindowTokens;
}
