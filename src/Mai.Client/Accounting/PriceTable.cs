using System.Globalization;
using System.Text.Json;

namespace Mai.Client.Accounting;

/// <summary>
/// Prices per model id, with aliases and a deployment → model mapping, used to turn an attempt's usage into a cost.
/// A model without a price has an unknown cost (<see langword="null"/>), never 0.
/// </summary>
/// <remarks>
/// <para>Cost of one attempt = (input − cached − cache writes) × input price + cached × cached price + cache writes × cache-write price
/// + output × output price, per million tokens, computed in <see cref="decimal"/>. Reasoning tokens are inside output and priced as output;
/// cached (read) and cache-write tokens are inside input and priced at their own rates (an unknown rate makes the cost unknown).</para>
/// <para>A table holds a single currency (<see cref="Currency"/>), so totals and cost budgets never add different currencies.
/// The table is immutable and thread-safe; it copies the options it was built from.</para>
/// </remarks>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _deployments = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Initializes a new instance of the <see cref="PriceTable"/> class from the user's prices, layered over the shipped defaults.</summary>
    /// <param name="options">The user's prices and deployment mapping.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A price is negative, a currency is missing or differs from the others, or a name is empty.</exception>
    public PriceTable(PriceTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var user = options.Models ?? new Dictionary<string, ModelPrice>();
        foreach (var (id, price) in user)
        {
            Validate(id, price, nameof(options));
        }

        var userNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, price) in user)
        {
            userNames.Add(id);
            userNames.UnionWith(price.Aliases ?? []);
        }

        var copies = user.ToDictionary(e => e.Key, e => e.Value.Copy(), StringComparer.OrdinalIgnoreCase);
        if (options.IncludeDefaults)
        {
            foreach (var (id, price) in DefaultPrices.Create())
            {
                if (copies.TryGetValue(id, out var replacement))
                {
                    // The user re-priced this model: its dated aliases follow the user's price, unless the user priced them separately.
                    foreach (var alias in price.Aliases.Where(a => !userNames.Contains(a)))
                    {
                        replacement.Aliases.Add(alias);
                    }
                }
                else if (!price.Aliases.Any(userNames.Contains))
                {
                    Add(id, price);
                }
            }
        }

        foreach (var (id, price) in copies)
        {
            Add(id, price);
        }

        var currencies = _byName.Values.Select(p => p.Currency).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (currencies.Count > 1)
        {
            throw new ArgumentException(
                $"PriceTableOptions.Models mixes currencies ({string.Join(", ", currencies)}); a price table holds one currency. " +
                "Set IncludeDefaults = false to drop the shipped USD prices, or give every entry the same Currency.",
                nameof(options));
        }

        Currency = currencies.Count == 1 ? currencies[0].ToUpperInvariant() : "USD";

        foreach (var (deployment, model) in options.Deployments ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(deployment) || string.IsNullOrWhiteSpace(model))
            {
                throw new ArgumentException($"PriceTableOptions.Deployments has an empty deployment or model name ('{deployment}' → '{model}').", nameof(options));
            }

            _deployments[deployment] = model;
        }
    }

    /// <summary>Gets the table of the shipped, cited default prices alone.</summary>
    public static PriceTable Default { get; } = new(new PriceTableOptions());

    /// <summary>Gets the currency every price in this table is expressed in.</summary>
    public string Currency { get; }

    /// <summary>Loads a table from JSON shaped like <see cref="PriceTableOptions"/> (camelCase or PascalCase names, comments allowed).</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The table, the user's entries over the defaults unless <c>includeDefaults</c> is false.</returns>
    /// <exception cref="ArgumentException"><paramref name="json"/> is empty, malformed, or holds an invalid price.</exception>
    public static PriceTable FromJson(string json)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(json);
        PriceTableOptions? options;
        try
        {
            options = JsonSerializer.Deserialize(json, AccountingJsonContext.Default.PriceTableOptions);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"The price table JSON is malformed: {ex.Message}", nameof(json), ex);
        }

        return new PriceTable(options ?? new PriceTableOptions());
    }

    /// <summary>Resolves the model id a deployment serves: the mapped model when the deployment is mapped, else <paramref name="model"/>, else the deployment name.</summary>
    /// <param name="deployment">The deployment name, if known.</param>
    /// <param name="model">The model id, if known.</param>
    /// <returns>The resolved model id, or <see langword="null"/> when both are null.</returns>
    public string? ResolveModel(string? deployment, string? model) =>
        deployment is not null && _deployments.TryGetValue(deployment, out var mapped) ? mapped : model ?? deployment;

    /// <summary>Finds the price of what a deployment serves: the deployment's mapped model, then <paramref name="model"/>, then the deployment name, each by id or alias.</summary>
    /// <param name="deployment">The deployment name, if known.</param>
    /// <param name="model">The model id, if known.</param>
    /// <returns>A copy of the price, or <see langword="null"/> when the model has no price.</returns>
    public ModelPrice? FindPrice(string? deployment, string? model) => Find(deployment, model)?.Copy();

    /// <summary>Computes the cost of <paramref name="usage"/> on a deployment/model.</summary>
    /// <param name="usage">The usage of one attempt.</param>
    /// <param name="deployment">The deployment name, if known.</param>
    /// <param name="model">The model id, if known.</param>
    /// <returns>The cost in <see cref="Currency"/>, or <see langword="null"/> when the model has no price (or cached tokens have no cached price).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="usage"/> is <see langword="null"/>.</exception>
    public decimal? ComputeCost(MaiUsage usage, string? deployment, string? model)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Find(deployment, model) is { } price ? ComputeCost(usage, price) : null;
    }

    /// <summary>Computes the cost of <paramref name="usage"/> at <paramref name="price"/>.</summary>
    /// <param name="usage">The usage of one attempt.</param>
    /// <param name="price">The price.</param>
    /// <returns>The cost, or <see langword="null"/> when there are cached tokens and no cached price, or cache writes and no cache-write price.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static decimal? ComputeCost(MaiUsage usage, ModelPrice price)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(price);
        var cached = Math.Clamp(usage.CachedInputTokenCount, 0, Math.Max(usage.InputTokenCount, 0));
        if (cached > 0 && price.CachedInputPerMillion is null)
        {
            return null;
        }

        var writes = Math.Clamp(usage.CacheWriteInputTokenCount, 0, Math.Max(usage.InputTokenCount - cached, 0));
        if (writes > 0 && price.CacheWriteInputPerMillion is null)
        {
            return null;
        }

        var uncached = usage.InputTokenCount - cached - writes;
        var sum = (uncached * price.InputPerMillion)
            + (cached * (price.CachedInputPerMillion ?? 0m))
            + (writes * (price.CacheWriteInputPerMillion ?? 0m))
            + (usage.OutputTokenCount * price.OutputPerMillion);
        return sum / 1_000_000m;
    }

    private ModelPrice? Find(string? deployment, string? model)
    {
        if (deployment is not null && _deployments.TryGetValue(deployment, out var mapped) && _byName.TryGetValue(mapped, out var byMapping))
        {
            return byMapping;
        }

        if (model is not null && _byName.TryGetValue(model, out var byModel))
        {
            return byModel;
        }

        return deployment is not null && _byName.TryGetValue(deployment, out var byDeployment) ? byDeployment : null;
    }

    private void Add(string id, ModelPrice price)
    {
        _byName[id] = price;
        foreach (var alias in price.Aliases)
        {
            _byName[alias] = price;
        }
    }

    private static void Validate(string id, ModelPrice price, string paramName)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException("PriceTableOptions.Models has an entry with an empty model id.", paramName);
        }

        if (price is null)
        {
            throw new ArgumentException($"PriceTableOptions.Models['{id}'] is null.", paramName);
        }

        CheckNotNegative(id, nameof(ModelPrice.InputPerMillion), price.InputPerMillion, paramName);
        CheckNotNegative(id, nameof(ModelPrice.OutputPerMillion), price.OutputPerMillion, paramName);
        if (price.CachedInputPerMillion is { } cachedPrice)
        {
            CheckNotNegative(id, nameof(ModelPrice.CachedInputPerMillion), cachedPrice, paramName);
        }

        if (price.CacheWriteInputPerMillion is { } writePrice)
        {
            CheckNotNegative(id, nameof(ModelPrice.CacheWriteInputPerMillion), writePrice, paramName);
        }

        if (string.IsNullOrWhiteSpace(price.Currency))
        {
            throw new ArgumentException($"PriceTableOptions.Models['{id}'].Currency must be an ISO 4217 code such as USD (was empty).", paramName);
        }

        if ((price.Aliases ?? []).Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"PriceTableOptions.Models['{id}'].Aliases contains an empty name.", paramName);
        }
    }

    private static void CheckNotNegative(string id, string property, decimal value, string paramName)
    {
        if (value < 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"PriceTableOptions.Models['{id}'].{property} must not be negative (was {value})."),
                paramName);
        }
    }
}
