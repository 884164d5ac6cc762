using Mai.Console.Chat;
using Mai.Console.Tests.TestSupport;

namespace Mai.Console.Tests.Chat;

public class LineEditorTests
{
    private static (LineEditor Editor, StringWriter Echo) Editor(params IEnumerable<ConsoleKeyInfo>[] keys)
    {
        var echo = new StringWriter();
        return (new LineEditor(Keys.Script(keys.SelectMany(k => k)), echo), echo);
    }

    [Fact]
    public void ReadLine_LeftThenType_InsertsAtTheCursor()
    {
        var (editor, _) = Editor(Keys.Type("helo"), [Keys.Left], Keys.Type("l"), [Keys.Enter]);

        Assert.Equal("hello", editor.ReadLine());
    }

    [Fact]
    public void ReadLine_HomeEndBackspaceDelete_EditBothEnds()
    {
        var (editor, _) = Editor(Keys.Type("xhello!"), [Keys.Home, Keys.Delete, Keys.End, Keys.Backspace], Keys.Type("?"), [Keys.Enter]);

        Assert.Equal("hello?", editor.ReadLine());
    }

    [Fact]
    public void ReadLine_ControlU_DeletesToTheStartAndKeepsTheRest()
    {
        var (editor, _) = Editor(Keys.Type("wrong right"), [Keys.Left, Keys.Left, Keys.Left, Keys.Left, Keys.Left, Keys.Control(ConsoleKey.U), Keys.End, Keys.Enter]);

        Assert.Equal("right", editor.ReadLine());
    }

    [Fact]
    public void ReadLine_UpAndDown_BrowseEarlierLinesAndComeBackToTheDraft()
    {
        var (editor, _) = Editor(
            Keys.Type("first"), [Keys.Enter],
            Keys.Type("second"), [Keys.Enter],
            Keys.Type("dra"), [Keys.Up, Keys.Up, Keys.Up, Keys.Down, Keys.Down], Keys.Type("ft"), [Keys.Enter],
            [Keys.Up], Keys.Type(" again"), [Keys.Enter]);

        Assert.Equal("first", editor.ReadLine());
        Assert.Equal("second", editor.ReadLine());
        Assert.Equal("draft", editor.ReadLine());
        Assert.Equal("draft again", editor.ReadLine());
        Assert.Equal(["first", "second", "draft", "draft again"], editor.History);
    }

    [Fact]
    public void ReadLine_ControlDOnAnEmptyLine_EndsTheInputButNotMidLine()
    {
        var (editor, _) = Editor(Keys.Type("ab"), [Keys.Control(ConsoleKey.D)], Keys.Type("c"), [Keys.Enter]);

        Assert.Equal("abc", editor.ReadLine());
        Assert.Null(editor.ReadLine());
    }

    [Fact]
    public void ReadLine_EachKey_RedrawsThePromptAndPutsTheCursorBack()
    {
        var (editor, echo) = Editor(Keys.Type("ab"), [Keys.Left, Keys.Enter]);

        editor.ReadLine();

        // The last redraw (after Left): the line from the row's start, the rest cleared, the cursor one column back.
        Assert.EndsWith("\r\u001b[1m> \u001b[0mab\u001b[K\u001b[1D" + Environment.NewLine, echo.ToString());
    }
}
