using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mai.Client.Reasoning;

/// <summary>
/// Splits a reasoning model's thinking from its answer: <c>&lt;think&gt;…&lt;/think&gt;</c> blocks inside the content become
/// <see cref="TextReasoningContent"/>, streaming included (tags split across chunks, no tag at all, an unclosed tag at the end,
/// text before the tag). Reasoning that the transport already read from <c>reasoning_content</c> / <c>reasoning</c> fields
/// passes through unchanged. Answer text above this layer never contains the tags.
/// </summary>
/// <remarks>
/// In a non-streaming response, a closing tag with no opening tag (some hosts strip the opening one) makes the text before it
/// reasoning. A stream cannot take back text it already delivered, so there such a stray closing tag is only removed.
/// The client is thread-safe; each call gets its own splitter.
/// </remarks>
public sealed class ReasoningChatClient : DelegatingChatClient
{
    /// <summary>Initializes a new instance of the <see cref="ReasoningChatClient"/> class.</summary>
    /// <param name="innerClient">The client to split the responses of.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    public ReasoningChatClient(IChatClient innerClient)
        : base(innerClient)
    {
    }

    /// <inheritdoc />
    public override async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        var answer = response.Messages;
        for (var i = 0; i < answer.Count; i++)
        {
            SplitMessage(answer[i], cancellationToken);
        }

        return response;
    }

    /// <inheritdoc />
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var splitter = new ThinkTagSplitter();
        var segments = new List<ReasoningSegment>(2);
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            last = update;
            if (SplitUpdate(update, splitter, segments, cancellationToken))
            {
                yield return update;
            }
        }

        segments.Clear();
        splitter.Complete(segments);
        if (segments.Count > 0)
        {
            yield return new ChatResponseUpdate(ChatRole.Assistant, ToContents(segments))
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ModelId = last?.ModelId,
                CreatedAt = last?.CreatedAt,
            };
        }
    }

    private static void SplitMessage(ChatMessage message, CancellationToken cancellationToken)
    {
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent { Text: { } text } || !text.Contains("think>", StringComparison.Ordinal))
            {
                continue;
            }

            var close = text.IndexOf(ThinkTagSplitter.CloseTag, StringComparison.Ordinal);
            var open = text.IndexOf(ThinkTagSplitter.OpenTag, StringComparison.Ordinal);
            if (close >= 0 && (open < 0 || open > close))
            {
                // The host stripped the opening tag: what precedes the closing tag is reasoning.
                text = ThinkTagSplitter.OpenTag + text;
            }

            var splitter = new ThinkTagSplitter();
            var segments = new List<ReasoningSegment>(2);
            splitter.Push(text, segments, cancellationToken);
            splitter.Complete(segments);
            var replacement = ToContents(segments);
            contents.RemoveAt(i);
            for (var j = 0; j < replacement.Count; j++)
            {
                contents.Insert(i + j, replacement[j]);
            }

            i += replacement.Count - 1;
        }
    }

    /// <summary>Rewrites the text contents of <paramref name="update"/> in place; returns false when nothing is left to deliver.</summary>
    private static bool SplitUpdate(ChatResponseUpdate update, ThinkTagSplitter splitter, List<ReasoningSegment> segments, CancellationToken cancellationToken)
    {
        var contents = update.Contents;
        var hadText = false;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not TextContent textContent)
            {
                continue;
            }

            hadText = true;
            segments.Clear();
            splitter.Push(textContent.Text ?? string.Empty, segments, cancellationToken);
            if (segments.Count == 1 && !segments[0].IsReasoning && ReferenceEquals(segments[0].Text, textContent.Text))
            {
                continue; // Plain answer text: keep the content object as it is.
            }

            // Replace the content in place (the usual case is one segment), without an intermediate list.
            if (segments.Count == 0)
            {
                contents.RemoveAt(i);
                i--;
                continue;
            }

            contents[i] = ToContent(segments[0]);
            for (var j = 1; j < segments.Count; j++)
            {
                contents.Insert(i + j, ToContent(segments[j]));
            }

            i += segments.Count - 1;
        }

        // An update that only carried a held-back tag fragment has nothing to show; anything else is delivered.
        return !hadText || contents.Count > 0 || update.FinishReason is not null;
    }

    private static AIContent ToContent(ReasoningSegment segment) =>
        segment.IsReasoning ? new TextReasoningContent(segment.Text) : new TextContent(segment.Text);

    private static List<AIContent> ToContents(List<ReasoningSegment> segments)
    {
        var list = new List<AIContent>(segments.Count);
        foreach (var segment in segments)
        {
            list.Add(segment.IsReasoning ? new TextReasoningContent(segment.Text) : new TextContent(segment.Text));
        }

        return list;
    }
}
