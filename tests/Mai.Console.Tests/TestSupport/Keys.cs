namespace Mai.Console.Tests.TestSupport;

/// <summary>Key presses for the chat prompt's line editor, as a terminal would deliver them.</summary>
internal static class Keys
{
    public static ConsoleKeyInfo Enter => Key(ConsoleKey.Enter, '\r');

    public static ConsoleKeyInfo Left => Key(ConsoleKey.LeftArrow);

    public static ConsoleKeyInfo Right => Key(ConsoleKey.RightArrow);

    public static ConsoleKeyInfo Up => Key(ConsoleKey.UpArrow);

    public static ConsoleKeyInfo Down => Key(ConsoleKey.DownArrow);

    public static ConsoleKeyInfo Home => Key(ConsoleKey.Home);

    public static ConsoleKeyInfo End => Key(ConsoleKey.End);

    public static ConsoleKeyInfo Backspace => Key(ConsoleKey.Backspace, '\b');

    public static ConsoleKeyInfo Delete => Key(ConsoleKey.Delete);

    public static ConsoleKeyInfo Control(ConsoleKey key) => new((char)(key - ConsoleKey.A + 1), key, shift: false, alt: false, control: true);

    /// <summary>The keys that type <paramref name="text"/>.</summary>
    public static IEnumerable<ConsoleKeyInfo> Type(string text) =>
        text.Select(c => new ConsoleKeyInfo(c, char.IsAsciiLetter(c) ? ConsoleKey.A + (char.ToUpperInvariant(c) - 'A') : ConsoleKey.Spacebar, char.IsUpper(c), alt: false, control: false));

    /// <summary>A key source that plays <paramref name="keys"/> and then ends the input (Ctrl+D), as a person closing the chat.</summary>
    public static Func<ConsoleKeyInfo> Script(IEnumerable<ConsoleKeyInfo> keys)
    {
        var queue = new Queue<ConsoleKeyInfo>(keys);
        return () => queue.Count > 0 ? queue.Dequeue() : Control(ConsoleKey.D);
    }

    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, shift: false, alt: false, control: false);
}
