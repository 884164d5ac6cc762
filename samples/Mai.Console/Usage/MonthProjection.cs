namespace Mai.Console.Usage;

/// <summary>The current month's spend so far and where it ends if the rate so far holds (spent × month length ÷ time elapsed).</summary>
internal sealed record MonthProjection(
    DateTimeOffset MonthStart,
    DateTimeOffset MonthEnd,
    DateTimeOffset Now,
    int Calls,
    IReadOnlyDictionary<string, decimal> SpentByCurrency,
    IReadOnlyDictionary<string, decimal> ProjectedByCurrency,
    int UnpricedCalls)
{
    /// <summary>Gets the fraction of the month elapsed (0 to 1).</summary>
    public double ElapsedFraction => (Now - MonthStart) / (MonthEnd - MonthStart);
}
