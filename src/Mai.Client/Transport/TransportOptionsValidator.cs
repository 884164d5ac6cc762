using System.Globalization;
using System.Text.RegularExpressions;

namespace Mai.Client.Transport;

/// <summary>The checks both transports' options share; messages name the options type and the property.</summary>
internal static partial class TransportOptionsValidator
{
    /// <summary>What an api-version must look like, worded to follow "ApiVersion ".</summary>
    /// <remarks>
    /// Only the shapes services publish are accepted, so a key or token pasted into this setting is refused before it could be sent in a
    /// query string (where proxies and access logs keep it); the message never repeats the value.
    /// </remarks>
    internal const string ApiVersionRule =
        "is not a valid api-version value: use a date such as 2024-05-01, optionally with a suffix such as -preview, or 'preview' or 'latest' (use null to send none)";

    /// <summary>Whether <paramref name="apiVersion"/> has the shape of an api-version (<c>2024-05-01</c>, <c>2024-05-01-preview</c>, <c>preview</c>, <c>latest</c>).</summary>
    internal static bool IsApiVersion(string apiVersion) => ApiVersionShape().IsMatch(apiVersion);

#pragma warning disable CA2208 // The parameter names reported are the options' property names, which is what the caller set.
    /// <summary>Throws for the first invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names the options type and the property, never the text value (it may be a key typed in the wrong place).</exception>
    public static void Validate(string type, string? apiVersion, TimeSpan networkTimeout, string? defaultModelId, string? tokenScope, string? applicationId, int maxApplicationIdLength)
    {
        if (apiVersion is not null && !IsApiVersion(apiVersion))
        {
            throw new ArgumentException($"{type}.ApiVersion {ApiVersionRule}.", "ApiVersion");
        }

        if (networkTimeout <= TimeSpan.Zero && networkTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException("NetworkTimeout", networkTimeout, $"{type}.NetworkTimeout must be positive or Timeout.InfiniteTimeSpan.");
        }

        if (defaultModelId is not null && string.IsNullOrWhiteSpace(defaultModelId))
        {
            throw new ArgumentException($"{type}.DefaultModelId must be null or a non-blank model name.", "DefaultModelId");
        }

        if (tokenScope is not null && !Uri.TryCreate(tokenScope, UriKind.Absolute, out _))
        {
            throw new ArgumentException(
                $"{type}.TokenScope is not an absolute scope URI (e.g. https://cognitiveservices.azure.com/.default).",
                "TokenScope");
        }

        if (applicationId is not null && (applicationId.Length == 0 || applicationId.Length > maxApplicationIdLength || applicationId.Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{type}.ApplicationId must be 1 to {maxApplicationIdLength} characters without spaces."),
                "ApplicationId");
        }
    }
#pragma warning restore CA2208

    [GeneratedRegex(@"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}(?:-[a-z0-9]+(?:\.[0-9]+)?)?|preview|latest)$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiVersionShape();
}
