using System.Text;

namespace Mai.Client.Reasoning;

/// <summary>
/// An incremental splitter of <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning out of content text. Feed it the content in the
/// pieces it arrives in; it returns what it can classify now and holds back only a suffix that may be the start of a tag.
/// </summary>
/// <remarks>
/// <para>Rules: text outside a think block is answer; text inside is reasoning; an unclosed block at the end is reasoning;
/// whitespace right after <c>&lt;think&gt;</c> and right after <c>&lt;/think&gt;</c> is dropped (models put line breaks there);
/// a closing tag with no opening tag is dropped, so the answer never contains either tag.</para>
/// <para>Not thread-safe: one instance per response (per stream).</para>
/// </remarks>
internal sealed class ThinkTagSplitter
{
    internal const string OpenTag = "<think>";
    internal const string CloseTag = "</think>";

    /// <summary>How many characters of one piece are split between two checks of the cancellation token.</summary>
    internal const int CancellationCheckInterval = 64 * 1024;

    private readonly StringBuilder _pending = new();
    private bool _inThink;
    private bool _trimLeadingWhitespace;

    /// <summary>Gets whether the splitter is inside a think block.</summary>
    public bool InThink => _inThink;

    /// <summary>Gets whether an orphan closing tag (one with no opening tag) was seen.</summary>
    public bool SawOrphanCloseTag { get; private set; }

    /// <summary>Splits the next piece of content, in time linear in its length (text full of <c>&lt;</c> included).</summary>
    /// <param name="text">The next piece of content text.</param>
    /// <param name="segments">Receives the classified segments, in order.</param>
    /// <param name="cancellationToken">Checked every <see cref="CancellationCheckInterval"/> characters of a long piece.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public void Push(string text, List<ReasoningSegment> segments, CancellationToken cancellationToken = default)
    {
        if (text.Length == 0)
        {
            return;
        }

        // Fast path: nothing held back and no tag can start in this piece.
        if (_pending.Length == 0 && !text.Contains('<', StringComparison.Ordinal))
        {
            Emit(text, segments);
            return;
        }

        string buffer;
        if (_pending.Length == 0)
        {
            buffer = text;
        }
        else
        {
            _pending.Append(text);
            buffer = _pending.ToString();
            _pending.Clear();
        }

        // Runs of one kind are built here and become one segment each, so the work per character is constant.
        var run = new StringBuilder();
        var runIsReasoning = _inThink;
        var position = 0;
        var nextCheck = CancellationCheckInterval;
        while (position < buffer.Length)
        {
            if (position >= nextCheck)
            {
                cancellationToken.ThrowIfCancellationRequested();
                nextCheck = position + CancellationCheckInterval;
            }

            var lt = buffer.IndexOf('<', position);
            var end = lt < 0 ? buffer.Length : lt;
            if (end > position)
            {
                Append(run, ref runIsReasoning, buffer.AsSpan(position, end - position), segments);
            }

            if (lt < 0)
            {
                break;
            }

            var rest = buffer.AsSpan(lt);
            var tag = _inThink ? CloseTag : OpenTag;
            if (rest.StartsWith(tag, StringComparison.Ordinal))
            {
                _inThink = !_inThink;
                _trimLeadingWhitespace = true;
                position = lt + tag.Length;
                continue;
            }

            if (!_inThink && rest.StartsWith(CloseTag, StringComparison.Ordinal))
            {
                SawOrphanCloseTag = true;
                _trimLeadingWhitespace = true;
                position = lt + CloseTag.Length;
                continue;
            }

            if (IsPrefixOfTag(rest))
            {
                // May become a tag with the next piece: hold it back (at most one tag's length).
                _pending.Append(rest);
                break;
            }

            Append(run, ref runIsReasoning, "<", segments);
            position = lt + 1;
        }

        Flush(run, runIsReasoning, segments);
    }

    /// <summary>Flushes what is held back at the end of the content.</summary>
    /// <param name="segments">Receives the remaining segments.</param>
    public void Complete(List<ReasoningSegment> segments)
    {
        if (_pending.Length > 0)
        {
            var rest = _pending.ToString();
            _pending.Clear();
            Emit(rest, segments);
        }
    }

    private bool IsPrefixOfTag(ReadOnlySpan<char> text) =>
        (text.Length < OpenTag.Length && OpenTag.AsSpan().StartsWith(text, StringComparison.Ordinal) && !_inThink) ||
        (text.Length < CloseTag.Length && CloseTag.AsSpan().StartsWith(text, StringComparison.Ordinal));

    /// <summary>Adds text of the current kind to the run, dropping the whitespace that follows a tag.</summary>
    private void Append(StringBuilder run, ref bool runIsReasoning, ReadOnlySpan<char> text, List<ReasoningSegment> segments)
    {
        if (_trimLeadingWhitespace)
        {
            text = text.TrimStart();
            if (text.IsEmpty)
            {
                return;
            }

            _trimLeadingWhitespace = false;
        }

        if (runIsReasoning != _inThink)
        {
            Flush(run, runIsReasoning, segments);
            runIsReasoning = _inThink;
        }

        run.Append(text);
    }

    private static void Flush(StringBuilder run, bool isReasoning, List<ReasoningSegment> segments)
    {
        if (run.Length == 0)
        {
            return;
        }

        Add(isReasoning, run.ToString(), segments);
        run.Clear();
    }

    private void Emit(string text, List<ReasoningSegment> segments)
    {
        if (_trimLeadingWhitespace)
        {
            text = text.TrimStart();
            if (text.Length == 0)
            {
                return;
            }

            _trimLeadingWhitespace = false;
        }

        Add(_inThink, text, segments);
    }

    private static void Add(bool isReasoning, string text, List<ReasoningSegment> segments)
    {
        if (segments.Count > 0 && segments[^1].IsReasoning == isReasoning)
        {
            segments[^1] = new ReasoningSegment(isReasoning, segments[^1].Text + text);
        }
        else
        {
            segments.Add(new ReasoningSegment(isReasoning, text));
        }
    }
}

/// <summary>A piece of content classified as reasoning or answer.</summary>
/// <param name="IsReasoning">Whether the text is reasoning.</param>
/// <param name="Text">The text.</param>
internal readonly record struct ReasoningSegment(bool IsReasoning, string Text);
