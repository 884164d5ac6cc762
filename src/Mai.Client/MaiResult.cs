using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>The outcome of one logical call made through <see cref="MaiClient"/>: the answer apart from the reasoning, usage, timing and attempts.</summary>
public sealed class MaiResult
{
    internal MaiResult(ChatResponse response, TimeSpan duration, TimeSpan? timeToFirstToken, IReadOnlyList<MaiAttempt> attempts)
    {
        Response = response;
        Duration = duration;
        TimeToFirstToken = timeToFirstToken;
        Attempts = attempts;

        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        Answer = response.Text;
        var reasoning = string.Concat(contents.OfType<TextReasoningContent>().Select(c => c.Text));
        Reasoning = reasoning.Length == 0 ? null : reasoning;
        ToolCalls = [.. contents.OfType<FunctionCallContent>()];
    }

    /// <summary>Gets the answer text, without reasoning.</summary>
    public string Answer { get; }

    /// <summary>Gets the reasoning text, or <see langword="null"/> when the model gave none.</summary>
    public string? Reasoning { get; }

    /// <summary>Gets the tool calls the model asked for (empty when none).</summary>
    public IReadOnlyList<FunctionCallContent> ToolCalls { get; }

    /// <summary>Gets the token usage the service reported, or <see langword="null"/> when it reported none.</summary>
    public UsageDetails? Usage => Response.Usage;

    /// <summary>Gets why the model stopped.</summary>
    public ChatFinishReason? FinishReason => Response.FinishReason;

    /// <summary>Gets the model that answered, as the service named it.</summary>
    public string? Model => Response.ModelId;

    /// <summary>Gets the service's response id.</summary>
    public string? ResponseId => Response.ResponseId;

    /// <summary>Gets the wall time of the whole call, retries included.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets the time from the call's start to the first reasoning or answer text (streams only).</summary>
    public TimeSpan? TimeToFirstToken { get; }

    /// <summary>Gets the HTTP attempts the call took, in order (one entry when no retry was needed).</summary>
    public IReadOnlyList<MaiAttempt> Attempts { get; }

    /// <summary>Gets the underlying M.E.AI response.</summary>
    public ChatResponse Response { get; }
}
