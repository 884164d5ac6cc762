using System.Globalization;

namespace Mai.Client.Redis;

/// <summary>Converts costs to the exact integers Redis stores: whole units of 10⁻¹² of the currency ("pico-units").</summary>
/// <remarks>
/// Twelve decimals hold any price quoted per million tokens with up to six decimals (for example 0.000075 per million) times a
/// whole number of tokens, exactly. A 64-bit counter then holds up to ±9,223,372.036854775807 in the currency. A cost with more
/// decimals, or beyond that range, is refused with an <see cref="ArgumentException"/> instead of being rounded.
/// </remarks>
internal static class RedisBudgetUnits
{
    /// <summary>The number of units in one unit of the currency.</summary>
    public const decimal CostScale = 1_000_000_000_000m;

    /// <summary>Converts a cost to whole units, exactly.</summary>
    /// <exception cref="ArgumentException">The cost has more than 12 decimals or does not fit a 64-bit counter.</exception>
    public static long ToUnits(decimal cost, string paramName)
    {
        decimal scaled;
        try
        {
            scaled = cost * CostScale;
        }
        catch (OverflowException)
        {
            throw OutOfRange(cost, paramName);
        }

        if (scaled != decimal.Truncate(scaled))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The cost {cost} has more than 12 decimals; RedisBudgetStore stores costs exactly in units of 10^-12 and does not round them."),
                paramName);
        }

        return scaled is >= long.MinValue and <= long.MaxValue ? (long)scaled : throw OutOfRange(cost, paramName);
    }

    /// <summary>The largest whole number of units a counter may hold after adding <paramref name="charge"/> to stay within <paramref name="limit"/>.</summary>
    /// <remarks>The balance is a whole number, so flooring the threshold is exact: balance ≤ x ⇔ balance ≤ ⌊x⌋.</remarks>
    public static string Threshold(decimal limit, decimal charge)
    {
        decimal room;
        try
        {
            room = decimal.Floor((limit - charge) * CostScale);
        }
        catch (OverflowException)
        {
            room = limit > charge ? decimal.MaxValue : decimal.MinValue;
        }

        return room.ToString("0", CultureInfo.InvariantCulture);
    }

    /// <summary>The largest token count a counter may hold after adding <paramref name="charge"/> to stay within <paramref name="limit"/>.</summary>
    public static string Threshold(long limit, long charge) => ((Int128)limit - charge).ToString(CultureInfo.InvariantCulture);

    /// <summary>Converts stored units back to a cost, exactly.</summary>
    public static decimal FromUnits(long units) => units / CostScale;

    private static ArgumentException OutOfRange(decimal cost, string paramName) => new(
        string.Create(CultureInfo.InvariantCulture, $"The cost {cost} is beyond what RedisBudgetStore can hold exactly (±9223372.036854775807 per counter)."),
        paramName);
}
