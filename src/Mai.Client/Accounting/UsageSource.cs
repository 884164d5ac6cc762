namespace Mai.Client.Accounting;

/// <summary>Where the token counts of a <see cref="UsageRecord"/> come from.</summary>
public enum UsageSource
{
    /// <summary>The service reported them (always preferred).</summary>
    Reported,

    /// <summary>The client estimated them with the tokenizer (no usage came, or what came was invalid); <see cref="UsageRecord.UsageReason"/> says why.</summary>
    Estimated,

    /// <summary>The service generated output the client never saw (the connection broke after the response started): the record holds
    /// the estimated prompt and the output that did arrive, a lower bound; <see cref="UsageRecord.UsageReason"/> says why.</summary>
    Unknown,
}
