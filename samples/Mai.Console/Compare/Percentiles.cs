namespace Mai.Console.Compare;

/// <summary>Order statistics for the comparison report.</summary>
internal static class Percentiles
{
    /// <summary>
    /// The <paramref name="p"/>-quantile (0 to 1) by linear interpolation between closest ranks (Hyndman–Fan type 7: Excel
    /// PERCENTILE.INC, NumPy's default): with the values sorted, h = (n − 1)·p and the result is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
    /// </summary>
    /// <returns>The quantile, or <see langword="null"/> for no values.</returns>
    public static double? Of(IEnumerable<double> values, double p)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(p, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(p, 1);
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        var h = (sorted.Length - 1) * p;
        var lower = (int)Math.Floor(h);
        return lower + 1 >= sorted.Length ? sorted[^1] : sorted[lower] + ((h - lower) * (sorted[lower + 1] - sorted[lower]));
    }
}
