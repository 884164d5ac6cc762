using Mai.Client.Reasoning;

namespace Mai.Client.Tests.Reasoning;

public class ThinkTagSplitterTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "<think>I should greet.</think>Hello!", "I should greet.", "Hello!" },
        { "<think>\nsteps\n</think>\n\nThe answer is 4.", "steps\n", "The answer is 4." },
        { "Plain answer with no tags.", "", "Plain answer with no tags." },
        { "Math: 1 < 2 and 3 <= 4 <th", "", "Math: 1 < 2 and 3 <= 4 <th" },
        { "<think>unclosed reasoning at the end", "unclosed reasoning at the end", "" },
        { "Preface. <think>middle</think>tail", "middle", "Preface. tail" },
        { "<think>a</think>b<think>c</think>d", "ac", "bd" },
        { "<think></think>Only answer", "", "Only answer" },
        { "stray close </think>answer", "", "stray close answer" },
        { "<think>x < y</think><b>bold</b>", "x < y", "<b>bold</b>" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Push_WholeText_SplitsReasoningFromAnswer(string input, string reasoning, string answer)
    {
        var (r, a) = Run([input]);

        Assert.Equal(reasoning, r);
        Assert.Equal(answer, a);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Push_EveryTwoWaySplit_SameResultAsWholeText(string input, string reasoning, string answer)
    {
        for (var cut = 1; cut < input.Length; cut++)
        {
            var (r, a) = Run([input[..cut], input[cut..]]);

            Assert.True(reasoning == r, $"reasoning differs when cut at {cut}: '{r}'");
            Assert.True(answer == a, $"answer differs when cut at {cut}: '{a}'");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Push_OneCharacterAtATime_SameResultAsWholeText(string input, string reasoning, string answer)
    {
        var (r, a) = Run(input.Select(c => c.ToString()));

        Assert.Equal(reasoning, r);
        Assert.Equal(answer, a);
    }

    [Fact]
    public void Push_TagPrefixAtChunkEnd_HeldBackUntilResolved()
    {
        var splitter = new ThinkTagSplitter();
        var segments = new List<ReasoningSegment>();

        splitter.Push("Hello <thi", segments, TestContext.Current.CancellationToken);

        Assert.Equal([new ReasoningSegment(false, "Hello ")], segments);
        segments.Clear();
        splitter.Push("nk>deep</think>Bye", segments, TestContext.Current.CancellationToken);
        Assert.Equal([new ReasoningSegment(true, "deep"), new ReasoningSegment(false, "Bye")], segments);
    }

    [Fact]
    public void Push_MegabytesFullOfAngleBrackets_SplitsExactlyWholeAndInChunks()
    {
        // Text a server can send to make a quadratic splitter burn minutes of CPU: '<' everywhere, tag prefixes that never complete.
        var reasoning = string.Concat(Enumerable.Repeat("<<</thin<p<", 100_000));
        var answer = string.Concat(Enumerable.Repeat("<a<b<<thi<<think<", 60_000));
        var input = "<think>" + reasoning + "</think>" + answer;

        Assert.Equal((reasoning, answer), RunLarge([input]));
        Assert.Equal((reasoning, answer), RunLarge(input.Chunk(61).Select(c => new string(c))));
    }

    [Fact]
    public void Push_CancelledDuringALongPiece_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var splitter = new ThinkTagSplitter();

        Assert.Throws<OperationCanceledException>(() => splitter.Push("<think>" + new string('<', 1_000_000), [], cts.Token));
    }

    [Fact]
    public void Push_CancelledTokenAndShortPiece_SplitsWithoutChecking()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var splitter = new ThinkTagSplitter();
        var segments = new List<ReasoningSegment>();

        splitter.Push("<think>a</think>b", segments, cts.Token);

        Assert.Equal([new ReasoningSegment(true, "a"), new ReasoningSegment(false, "b")], segments);
    }

    /// <summary>Like <see cref="Run"/>, clearing the segments per piece as the reasoning layer does (no test-side quadratic concatenation).</summary>
    private static (string Reasoning, string Answer) RunLarge(IEnumerable<string> pieces)
    {
        var splitter = new ThinkTagSplitter();
        var segments = new List<ReasoningSegment>();
        var reasoning = new System.Text.StringBuilder();
        var answer = new System.Text.StringBuilder();
        void Drain()
        {
            foreach (var segment in segments)
            {
                (segment.IsReasoning ? reasoning : answer).Append(segment.Text);
            }

            segments.Clear();
        }

        foreach (var piece in pieces)
        {
            splitter.Push(piece, segments);
            Drain();
        }

        splitter.Complete(segments);
        Drain();
        return (reasoning.ToString(), answer.ToString());
    }

    private static (string Reasoning, string Answer) Run(IEnumerable<string> pieces)
    {
        var splitter = new ThinkTagSplitter();
        var segments = new List<ReasoningSegment>();
        string reasoning = "", answer = "";
        foreach (var piece in pieces)
        {
            splitter.Push(piece, segments);
        }

        splitter.Complete(segments);
        foreach (var segment in segments)
        {
            if (segment.IsReasoning)
            {
                reasoning += segment.Text;
            }
            else
            {
                answer += segment.Text;
            }
        }

        return (reasoning, answer);
    }
}
