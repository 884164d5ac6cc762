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

    private readonly StringBuilder _pending = new();
    private bool _inThink;
    private bool _trimLeadingWhitespace;

    /// <summary>Gets whether the splitter is inside a think block.</summary>
    public bool InThink => _inThink;

    /// <summary>Gets whether an orphan closing tag (one with no opening tag) was seen.</summary>
    public bool SawOrphanCloseTag { get; private set; }

    /// <summary>Splits the next piece of content.</summary>
    /// <param name="text">The next piece of content text.</param>
    /// <param name="segments">Receives the classified segments, in order.</param>
    public void Push(string text, List<ReasoningSegment> segments)
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

        _pending.Append(text);
        var buffer = _pending.ToString();
        _pending.Clear();

        var position = 0;
        while (position < buffer.Length)
        {
            var lt = buffer.IndexOf('<', position);
            if (lt < 0)
            {
                Emit(buffer[position..], segments);
                return;
            }

            if (lt > position)
            {
                Emit(buffer[position..lt], segments);
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
                // May become a tag with the next piece: hold it back.
                _pending.Append(rest);
                return;
            }

            Emit("<", segments);
            position = lt + 1;
        }
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

        if (segments.Count > 0 && segments[^1].IsReasoning == _inThink)
        {
            segments[^1] = new ReasoningSegment(_inThink, segments[^1].Text + text);
        }
        else
        {
            segments.Add(new ReasoningSegment(_inThink, text));
        }
    }
}

/// <summary>A piece of content classified as reasoning or answer.</summary>
/// <param name="IsReasoning">Whether the text is reasoning.</param>
/// <param name="Text">The text.</param>
internal readonly record struct ReasoningSegment(bool IsReasoning, string Text);
