using System.Text;

namespace Mai.Console.Chat;

/// <summary>
/// The chat prompt's line editor for a terminal: Left/Right, Home/End (and Ctrl+A/Ctrl+E), Backspace/Delete, Ctrl+U (delete to
/// the start), Up/Down through the lines entered before (the line being typed is kept while browsing), Enter, and Ctrl+D on an
/// empty line for end of input. Keys come from a function (<see cref="System.Console.ReadKey(bool)"/> in the real console, a
/// script in tests) and the line is redrawn with ANSI sequences after each key. Ctrl+C is not a key here: it raises
/// <see cref="System.Console.CancelKeyPress"/>, which the chat handles, while the line being edited stays.
/// </summary>
internal sealed class LineEditor(Func<ConsoleKeyInfo> readKey, TextWriter echo)
{
    /// <summary>The prompt as drawn: bold <c>&gt; </c>.</summary>
    private const string Prompt = "\u001b[1m> \u001b[0m";

    private readonly List<string> _history = [];

    /// <summary>Gets the lines entered so far, oldest first (blank lines and repeats of the previous line are not kept).</summary>
    public IReadOnlyList<string> History => _history;

    /// <summary>Reads one line; <see langword="null"/> at end of input (Ctrl+D on an empty line).</summary>
    public string? ReadLine()
    {
        var line = new StringBuilder();
        var cursor = 0;
        var recalled = _history.Count;
        var draft = string.Empty;
        while (true)
        {
            var key = readKey();
            var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    echo.WriteLine();
                    var text = line.ToString();
                    if (!string.IsNullOrWhiteSpace(text) && (_history.Count == 0 || _history[^1] != text))
                    {
                        _history.Add(text);
                    }

                    return text;
                case ConsoleKey.D when control:
                    if (line.Length == 0)
                    {
                        echo.WriteLine();
                        return null;
                    }

                    break;
                case ConsoleKey.Backspace when cursor > 0:
                    line.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < line.Length:
                    line.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < line.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    cursor = line.Length;
                    break;
                case ConsoleKey.U when control:
                    line.Remove(0, cursor);
                    cursor = 0;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    if (recalled == _history.Count)
                    {
                        draft = line.ToString();
                    }

                    cursor = Replace(line, _history[--recalled]);
                    break;
                case ConsoleKey.DownArrow when recalled < _history.Count:
                    recalled++;
                    cursor = Replace(line, recalled == _history.Count ? draft : _history[recalled]);
                    break;
                default:
                    if (!control && !char.IsControl(key.KeyChar))
                    {
                        line.Insert(cursor++, key.KeyChar);
                    }

                    break;
            }

            Redraw(line, cursor);
        }
    }

    private static int Replace(StringBuilder line, string text)
    {
        line.Clear().Append(text);
        return line.Length;
    }

    /// <summary>Draws the prompt and the line from the start of the terminal row, clears what is left of the old one, and puts
    /// the cursor back where it is in the line.</summary>
    private void Redraw(StringBuilder line, int cursor)
    {
        echo.Write('\r');
        echo.Write(Prompt);
        echo.Write(line);
        echo.Write("\u001b[K");
        if (line.Length > cursor)
        {
            echo.Write($"\u001b[{line.Length - cursor}D");
        }

        echo.Flush();
    }
}
