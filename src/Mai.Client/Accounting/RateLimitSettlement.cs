namespace Mai.Client.Accounting;

/// <summary>What an attempt used and what the service said about its quota, applied to a lease by <see cref="IRateLimitStore.SettleAsync"/>.</summary>
/// <param name="UsedTokens">The tokens the service reported for the attempt (input plus output); <see langword="null"/> when it reported
/// none, and the reservation stands.</param>
/// <param name="RemainingTokens">The service's <c>x-ratelimit-remaining-tokens</c> (or the tightest <c>anthropic-ratelimit-*-tokens-remaining</c>);
/// the store never lets more than this remain in its window.</param>
/// <param name="RemainingRequests">The service's <c>x-ratelimit-remaining-requests</c> (or <c>anthropic-ratelimit-requests-remaining</c>).</param>
/// <param name="RetryAfter">The wait a 429 asked for; a shared store makes every instance honour it.</param>
public readonly record struct RateLimitSettlement(long? UsedTokens, long? RemainingTokens = null, long? RemainingRequests = null, TimeSpan? RetryAfter = null);
