namespace Mai.Client.Errors;

/// <summary>The model's answer could not be read as the requested type. The raw answer is kept in <see cref="RawText"/>.</summary>
/// <remarks>The message never contains the answer itself (answers are not logged); read <see cref="RawText"/> to inspect it.</remarks>
public sealed class MaiStructuredOutputException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="MaiStructuredOutputException"/> class.</summary>
    public MaiStructuredOutputException()
        : this("The model's answer could not be read as the requested type.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MaiStructuredOutputException"/> class with a message.</summary>
    /// <param name="message">The message.</param>
    public MaiStructuredOutputException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MaiStructuredOutputException"/> class with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MaiStructuredOutputException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal MaiStructuredOutputException(Type targetType, string rawText, MaiResult result, Exception? innerException)
        : base($"The model's answer ({rawText.Length} characters) is not valid JSON for {targetType.Name}: {innerException?.Message ?? "it could not be deserialized"}. The raw answer is in RawText.", innerException)
    {
        TargetType = targetType;
        RawText = rawText;
        Result = result;
    }

    /// <summary>Gets the type the answer was to be read as.</summary>
    public Type? TargetType { get; }

    /// <summary>Gets the answer exactly as the model gave it (reasoning excluded).</summary>
    public string RawText { get; } = string.Empty;

    /// <summary>Gets the rest of the call's result: usage, cost, attempts, reasoning.</summary>
    public MaiResult? Result { get; }
}
