namespace Mai.Emulator;

/// <summary>SplitMix64: a tiny, stable PRNG so the same request and seed always produce the same answer on every runtime.</summary>
internal sealed class DeterministicRandom(ulong seed)
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns an integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => maxExclusive <= 1 ? 0 : (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>Returns a double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    public string NextId(int length)
    {
        return string.Create(length, this, static (span, rng) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphanumeric[rng.Next(Alphanumeric.Length)];
            }
        });
    }

    /// <summary>FNV-1a 64 over UTF-16 code units: a stable hash (string.GetHashCode is randomised per process).</summary>
    public static ulong Hash(string text, ulong hash = 14695981039346656037UL)
    {
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return hash;
    }
}
