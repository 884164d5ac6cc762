using System.Text.RegularExpressions;

namespace Mai.Client.Errors;

/// <summary>
/// Removes the secrets a transport holds (its API key, as it is now after any rotation, and the bearer tokens it sent) and any
/// <c>Bearer …</c> value from text that came from the service, before that text reaches an exception, a log or output.
/// </summary>
/// <remarks>Thread-safe. Secrets shorter than 4 characters are not replaced (they would mangle ordinary text).</remarks>
internal sealed partial class SecretScrubber
{
    private const string Redacted = "[REDACTED]";

    private readonly Func<IEnumerable<string?>>? _secrets;

    /// <summary>Initializes a scrubber that asks <paramref name="secrets"/> for the current secrets on every use.</summary>
    public SecretScrubber(Func<IEnumerable<string?>>? secrets)
    {
        _secrets = secrets;
    }

    /// <summary>Gets a scrubber that only removes <c>Bearer …</c> values.</summary>
    public static SecretScrubber None { get; } = new(null);

    /// <summary>Creates a scrubber for one fixed secret (tests and callers holding a plain key).</summary>
    public static SecretScrubber For(string? secret) => secret is null ? None : new(() => [secret]);

    /// <summary>Returns <paramref name="text"/> with every held secret and bearer value replaced by <c>[REDACTED]</c>.</summary>
    public string Scrub(string text)
    {
        if (_secrets is not null)
        {
            foreach (var secret in _secrets())
            {
                if (!string.IsNullOrEmpty(secret) && secret.Length >= 4)
                {
                    text = text.Replace(secret, Redacted, StringComparison.Ordinal);
                }
            }
        }

        return BearerPattern().Replace(text, "Bearer " + Redacted);
    }

    /// <summary>Scrubs a value that may be null.</summary>
    public string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);

    [GeneratedRegex(@"Bearer\s+[A-Za-z0-9\-._~+/]+=*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex BearerPattern();
}
