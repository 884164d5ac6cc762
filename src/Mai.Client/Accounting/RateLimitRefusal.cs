namespace Mai.Client.Accounting;

/// <summary>Why a <see cref="IRateLimitStore"/> refused an attempt.</summary>
public enum RateLimitRefusal
{
    /// <summary>Not refused: the lease was acquired.</summary>
    None,

    /// <summary>The tokens-per-minute quota has too few tokens left for the attempt.</summary>
    Tokens,

    /// <summary>The requests-per-minute quota is spent.</summary>
    Requests,

    /// <summary>The service answered 429 with a wait (to this instance or another sharing the store) that has not ended yet.</summary>
    ServiceWait,
}
