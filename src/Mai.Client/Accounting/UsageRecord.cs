using System.Diagnostics.CodeAnalysis;

namespace Mai.Client.Accounting;

/// <summary>One attempt that may have been billed: when, for whom, where, how many tokens, at what cost, and how it ended.</summary>
/// <remarks>A record with init properties, not a positional one, so that it can grow without breaking callers.</remarks>
public sealed record UsageRecord
{
    private readonly UsageSource? _source;

    /// <summary>Initializes a new instance; set the properties with an object initializer.</summary>
    public UsageRecord()
    {
    }

    [SetsRequiredMembers]
    internal UsageRecord(DateTimeOffset timestamp, MaiScope scope, string deployment, string model, MaiUsage usage, decimal? cost, string currency, UsageOutcome outcome, string? responseId)
    {
        Timestamp = timestamp;
        Scope = scope;
        Deployment = deployment;
        Model = model;
        Usage = usage;
        Cost = cost;
        Currency = currency;
        Outcome = outcome;
        ResponseId = responseId;
    }

    /// <summary>Gets when the attempt ended (from the configured <see cref="TimeProvider"/>).</summary>
    public DateTimeOffset Timestamp { get; init; }

    /// <summary>Gets who the call is accounted to.</summary>
    public required MaiScope Scope { get; init; }

    /// <summary>Gets the deployment the attempt was sent to.</summary>
    public required string Deployment { get; init; }

    /// <summary>Gets the model id the deployment serves (the configured one, resolved through the price table's deployment mapping).</summary>
    public required string Model { get; init; }

    /// <summary>Gets the tokens of the attempt, reported or estimated (<see cref="MaiUsage.IsEstimated"/>).</summary>
    public required MaiUsage Usage { get; init; }

    /// <summary>Gets the cost in <see cref="Currency"/>; <see langword="null"/> when the model has no price.</summary>
    public decimal? Cost { get; init; }

    /// <summary>Gets the currency of <see cref="Cost"/> (the price table's).</summary>
    public required string Currency { get; init; }

    /// <summary>Gets how the attempt ended.</summary>
    public UsageOutcome Outcome { get; init; }

    /// <summary>Gets the service's response id, when one arrived.</summary>
    public string? ResponseId { get; init; }

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
