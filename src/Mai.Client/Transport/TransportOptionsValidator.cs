using System.Globalization;

namespace Mai.Client.Transport;

/// <summary>The checks both transports' options share; messages name the options type and the property.</summary>
internal static class TransportOptionsValidator
{
#pragma warning disable CA2208 // The parameter names reported are the options' property names, which is what the caller set.
    /// <summary>Throws for the first invalid setting.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names the options type and the property, never the text value (it may be a key typed in the wrong place).</exception>
    public static void Validate(string type, string? apiVersion, TimeSpan networkTimeout, string? defaultModelId, string? tokenScope, string? applicationId, int maxApplicationIdLength)
    {
        if (apiVersion is not null && (string.IsNullOrWhiteSpace(apiVersion) || apiVersion.Any(c => char.IsWhiteSpace(c) || c is '&' or '#' or '?')))
        {
            throw new ArgumentException(
                $"{type}.ApiVersion is not a valid api-version value: it must be non-blank, without spaces, '&', '#' or '?' (use null to send none).",
                "ApiVersion");
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
}
