using Mai.Client.Accounting;

namespace Mai.Client.Hosting;

/// <summary>
/// The settings of the <c>Mai</c> section that have no <see cref="MaiClientOptions"/> property of the same shape: a managed identity's
/// client id (configuration holds the id, the options hold a <c>TokenCredential</c>) and the prices (configuration holds
/// <see cref="PriceTableOptions"/>, the options hold the <see cref="PriceTable"/> built from them), and the retryable statuses (a list that
/// replaces the default set). Everything else binds onto the options.
/// </summary>
internal sealed class MaiConfigurationOnlySettings
{
    /// <summary>The configuration keys this type owns, at the top of the section and, for the identity, in each fallback.</summary>
    public const string ManagedIdentityClientIdKey = "ManagedIdentityClientId";

    /// <summary>The key of the price table section.</summary>
    public const string PricesKey = nameof(MaiClientOptions.Prices);

    /// <summary>Gets or sets the client id of the user-assigned managed identity the primary deployment (and fallbacks without their own) use.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>Gets the managed identity client id of each fallback that sets one, by the fallback's key in configuration (<c>0</c>, <c>1</c>, …).</summary>
    public Dictionary<string, string> FallbackManagedIdentityClientIds { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Gets or sets the retryable statuses, which replace the default set (the binder can only add to a set); <see langword="null"/> when not configured.</summary>
    public List<int>? RetryableStatusCodes { get; set; }

    /// <summary>Gets or sets the prices, bound strictly from the <c>Prices</c> section; <see langword="null"/> when the section is absent.</summary>
    public PriceTableOptions? Prices { get; set; }
}
