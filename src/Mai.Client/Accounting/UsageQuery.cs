namespace Mai.Client.Accounting;

/// <summary>Selects ledger records for <see cref="UsageLedger.GetTotals(UsageQuery?)"/>; every null criterion matches all records.</summary>
public sealed record UsageQuery
{
    /// <summary>Gets the user to match (ordinal, case-sensitive).</summary>
    public string? User { get; init; }

    /// <summary>Gets the tenant to match (ordinal, case-sensitive).</summary>
    public string? Tenant { get; init; }

    /// <summary>Gets the tag to match (ordinal, case-sensitive).</summary>
    public string? Tag { get; init; }

    /// <summary>Gets the model id to match (case-insensitive).</summary>
    public string? Model { get; init; }

    /// <summary>Gets the deployment to match (case-insensitive).</summary>
    public string? Deployment { get; init; }

    /// <summary>Gets the inclusive start of the time window.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Gets the exclusive end of the time window.</summary>
    public DateTimeOffset? To { get; init; }

    internal bool Matches(UsageRecord record) =>
        (User is null || string.Equals(User, record.Scope.User, StringComparison.Ordinal))
        && (Tenant is null || string.Equals(Tenant, record.Scope.Tenant, StringComparison.Ordinal))
        && (Tag is null || string.Equals(Tag, record.Scope.Tag, StringComparison.Ordinal))
        && (Model is null || string.Equals(Model, record.Model, StringComparison.OrdinalIgnoreCase))
        && (Deployment is null || string.Equals(Deployment, record.Deployment, StringComparison.OrdinalIgnoreCase))
        && (From is null || record.Timestamp >= From)
        && (To is null || record.Timestamp < To);
}
