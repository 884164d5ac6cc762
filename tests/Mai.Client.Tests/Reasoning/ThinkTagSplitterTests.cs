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

        splitter.Push("Hello <thi", segments);

        Assert.Equal([new ReasoningSegment(false, "Hello ")], segments);
        segments.Clear();
        splitter.Push("nk>deep</think>Bye", segments);
        Assert.Equal([new ReasoningSegment(true, "deep"), new ReasoningSegment(false, "Bye")], segments);
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
