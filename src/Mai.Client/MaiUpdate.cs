using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>One typed piece of a streamed call: reasoning, answer text, a tool call, usage, or the final result.</summary>
public sealed class MaiUpdate
{
    private MaiUpdate(MaiUpdateKind kind) => Kind = kind;

    /// <summary>Gets what this update carries.</summary>
    public MaiUpdateKind Kind { get; }

    /// <summary>Gets the text of a <see cref="MaiUpdateKind.Reasoning"/> or <see cref="MaiUpdateKind.Answer"/> update; otherwise empty.</summary>
    public string Text { get; private init; } = string.Empty;

    /// <summary>Gets the tool call of a <see cref="MaiUpdateKind.ToolCall"/> update.</summary>
    public FunctionCallContent? ToolCall { get; private init; }

    /// <summary>Gets the usage of a <see cref="MaiUpdateKind.Usage"/> update.</summary>
    public MaiUsage? Usage { get; private init; }

    /// <summary>Gets the result of the <see cref="MaiUpdateKind.Completed"/> update.</summary>
    public MaiResult? Result { get; private init; }

    internal static MaiUpdate ForReasoning(string text) => new(MaiUpdateKind.Reasoning) { Text = text };

    internal static MaiUpdate ForAnswer(string text) => new(MaiUpdateKind.Answer) { Text = text };

    internal static MaiUpdate ForToolCall(FunctionCallContent call) => new(MaiUpdateKind.ToolCall) { ToolCall = call };

    internal static MaiUpdate ForUsage(MaiUsage usage) => new(MaiUpdateKind.Usage) { Usage = usage };

    internal static MaiUpdate ForCompletion(MaiResult result) => new(MaiUpdateKind.Completed) { Result = result };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        MaiUpdateKind.Reasoning or MaiUpdateKind.Answer => $"{Kind}: {Text}",
        MaiUpdateKind.ToolCall => $"{Kind}: {ToolCall?.Name}",
        _ => Kind.ToString(),
    };
}
