using System.Globalization;

namespace Mai.Client.Accounting;

/// <summary>One deployment's client-side quota: its name (the key its counts live under) and its tokens and requests per minute.</summary>
/// <remarks>Immutable, with value equality: two clients that describe the same deployment with the same limits share its counts in a shared store.</remarks>
public sealed record DeploymentQuota
{
    /// <summary>Initializes a new instance of the <see cref="DeploymentQuota"/> class.</summary>
    /// <param name="deployment">The deployment name the counts are kept under.</param>
    /// <param name="tokensPerMinute">The tokens-per-minute limit; <see langword="null"/> for none.</param>
    /// <param name="requestsPerMinute">The requests-per-minute limit; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentException"><paramref name="deployment"/> is empty, or a limit is zero or negative.</exception>
    public DeploymentQuota(string deployment, int? tokensPerMinute, int? requestsPerMinute)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(deployment);
        if (tokensPerMinute is <= 0 || requestsPerMinute is <= 0)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A deployment quota must be positive when set (tokens per minute {tokensPerMinute}, requests per minute {requestsPerMinute})."),
                tokensPerMinute is <= 0 ? nameof(tokensPerMinute) : nameof(requestsPerMinute));
        }

        Deployment = deployment;
        TokensPerMinute = tokensPerMinute;
        RequestsPerMinute = requestsPerMinute;
    }

    /// <summary>Gets the deployment name the counts are kept under.</summary>
    public string Deployment { get; }

    /// <summary>Gets the tokens-per-minute limit, or <see langword="null"/> for none.</summary>
    public int? TokensPerMinute { get; }

    /// <summary>Gets the requests-per-minute limit, or <see langword="null"/> for none.</summary>
    public int? RequestsPerMinute { get; }
}
