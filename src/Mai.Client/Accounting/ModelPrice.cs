namespace Mai.Client.Accounting;

/// <summary>The per-token price of one model: what a million input, cached input, cache-write input and output tokens cost, where that figure comes from and when it was read.</summary>
/// <remarks>Bindable from JSON (<see cref="PriceTable.FromJson(string)"/>) and from <c>IConfiguration</c>; a <see cref="PriceTable"/> copies it when built.</remarks>
public sealed class ModelPrice
{
    /// <summary>Gets or sets the price of one million input (prompt) tokens that were not served from the cache.</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Gets or sets the price of one million cached input tokens.</summary>
    /// <value>The default is <see langword="null"/>: no cached price is known, so an attempt with cached tokens has an unknown (<see langword="null"/>) cost.</value>
    public decimal? CachedInputPerMillion { get; set; }

    /// <summary>Gets or sets the price of one million input tokens written to the prompt cache (Claude's <c>cache_creation_input_tokens</c>,
    /// dearer than plain input: 1.25× for the default 5-minute cache).</summary>
    /// <value>The default is <see langword="null"/>: no cache-write price is known, so an attempt with cache writes has an unknown (<see langword="null"/>) cost.</value>
    public decimal? CacheWriteInputPerMillion { get; set; }

    /// <summary>Gets or sets the price of one million output (completion) tokens, reasoning tokens included.</summary>
    public decimal OutputPerMillion { get; set; }

    /// <summary>Gets or sets the ISO 4217 currency of the prices.</summary>
    /// <value>The default is <c>USD</c>.</value>
    public string Currency { get; set; } = "USD";

    /// <summary>Gets or sets the date the price was read from <see cref="Source"/>.</summary>
    public DateOnly? AsOf { get; set; }

    /// <summary>Gets or sets where the price was published (a URL or a contract reference).</summary>
    public string? Source { get; set; }

    /// <summary>Gets or sets other model ids that share this price (dated versions such as <c>gpt-4o-2024-11-20</c>).</summary>
    public IList<string> Aliases { get; set; } = [];

    internal ModelPrice Copy() => new()
    {
        InputPerMillion = InputPerMillion,
        CachedInputPerMillion = CachedInputPerMillion,
        CacheWriteInputPerMillion = CacheWriteInputPerMillion,
        OutputPerMillion = OutputPerMillion,
        Currency = Currency,
        AsOf = AsOf,
        Source = Source,
        Aliases = [.. Aliases ?? []],
    };
}
