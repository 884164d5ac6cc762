namespace Mai.Client.Accounting;

/// <summary>One attempt that may have been billed: when, for whom, where, how many tokens, at what cost, and how it ended.</summary>
/// <param name="Timestamp">When the attempt ended (from the configured <see cref="TimeProvider"/>).</param>
/// <param name="Scope">Who the call is accounted to.</param>
/// <param name="Deployment">The deployment the attempt was sent to.</param>
/// <param name="Model">The model id the deployment serves (the configured one, resolved through the price table's deployment mapping).</param>
/// <param name="Usage">The tokens of the attempt, reported or estimated (<see cref="MaiUsage.IsEstimated"/>).</param>
/// <param name="Cost">The cost in <paramref name="Currency"/>; <see langword="null"/> when the model has no price.</param>
/// <param name="Currency">The currency of <paramref name="Cost"/> (the price table's).</param>
/// <param name="Outcome">How the attempt ended.</param>
/// <param name="ResponseId">The service's response id, when one arrived.</param>
public sealed record UsageRecord(
    DateTimeOffset Timestamp,
    MaiScope Scope,
    string Deployment,
    string Model,
    MaiUsage Usage,
    decimal? Cost,
    string Currency,
    UsageOutcome Outcome,
    string? ResponseId)
{
    private readonly UsageSource? _source;

    /// <summary>Gets a value indicating whether the usage was estimated by the client (the service reported none).</summary>
    public bool IsEstimated => Usage.IsEstimated;

    /// <summary>Gets the HTTP status of a rejected attempt, when known.</summary>
    public int? Status { get; init; }

    /// <summary>Gets the model the service said answered (<c>model</c> of the response), when it said.</summary>
    public string? ResponseModel { get; init; }

    /// <summary>Gets where the counts come from.</summary>
    /// <value>The default follows <see cref="MaiUsage.IsEstimated"/>: <see cref="UsageSource.Estimated"/> or <see cref="UsageSource.Reported"/>.</value>
    public UsageSource Source
    {
        get => _source ?? (Usage.IsEstimated ? UsageSource.Estimated : UsageSource.Reported);
        init => _source = value;
    }

    /// <summary>Gets why the usage is not simply what the service reported (no usage came, it was invalid, the output is unknown), or
    /// <see langword="null"/> for reported usage.</summary>
    public string? UsageReason { get; init; }
}
