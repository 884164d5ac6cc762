namespace Mai.Client.Transport;

/// <summary>
/// Iterates an <see cref="IList{T}"/> by index with a struct enumerator: <c>foreach</c> over the interface would box the list's
/// enumerator (one allocation per loop, several per message on the request path).
/// </summary>
internal readonly struct ListItems<T>(IList<T> list)
{
    public Enumerator GetEnumerator() => new(list);

    internal struct Enumerator(IList<T> list)
    {
        private int _index = -1;

        public readonly T Current => list[_index];

        public bool MoveNext() => ++_index < list.Count;
    }
}

/// <summary>Creates <see cref="ListItems{T}"/>.</summary>
internal static class ListItems
{
    public static ListItems<T> Of<T>(IList<T> list) => new(list);
}
