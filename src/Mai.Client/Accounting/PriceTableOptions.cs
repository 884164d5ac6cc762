namespace Mai.Client.Accounting;

/// <summary>The user's prices and deployment names, bindable from JSON or <c>IConfiguration</c>; entries override the shipped defaults.</summary>
/// <example>
/// <code language="json">
/// {
///   "includeDefaults": true,
///   "models": {
///     "MAI-Thinking-1": { "inputPerMillion": 1.00, "outputPerMillion": 4.00, "currency": "USD", "asOf": "2026-11-01", "source": "our contract" }
///   },
///   "deployments": { "thinking-east": "MAI-Thinking-1" }
/// }
/// </code>
/// </example>
public sealed class PriceTableOptions
{
    /// <summary>Gets or sets the prices by model id (case-insensitive); an entry replaces a shipped default with the same id or alias.</summary>
    public IDictionary<string, ModelPrice> Models { get; set; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the model id behind each deployment whose name differs from its model (deployment name → model id or alias).</summary>
    public IDictionary<string, string> Deployments { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets a value indicating whether the shipped, cited default prices are included under the user's entries.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool IncludeDefaults { get; set; } = true;
}
