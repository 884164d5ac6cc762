using System.Text;
using System.Text.RegularExpressions;
using Mai.Client.Accounting;
using Mai.Client.Resilience;
using Microsoft.Extensions.Configuration;

namespace Mai.Client.Hosting;

/// <summary>
/// Rewrites the option-validation messages of the library (<c>MaiClientOptions.Fallbacks[0].Endpoint must be …</c>) so they name the
/// configuration key instead (<c>Mai:Fallbacks:0:Endpoint must be …</c>).
/// </summary>
/// <remarks>Messages of the library never contain a key or token, so neither does the rewritten text.</remarks>
internal sealed partial class ConfigurationKeyMessages
{
    private const int MinimumRedactedLength = 8;

    private readonly string? _prefix;

    /// <summary>Initializes a new instance of the <see cref="ConfigurationKeyMessages"/> class.</summary>
    /// <param name="prefix">The section path (<c>Mai</c>), <see cref="string.Empty"/> for the configuration root, or <see langword="null"/>
    /// when the options did not come from configuration (messages then keep the property names).</param>
    public ConfigurationKeyMessages(string? prefix) => _prefix = prefix;

    /// <summary>Gets the key of a top-level option, e.g. <c>Mai:ApiKey</c>, or <c>MaiClientOptions.ApiKey</c> without configuration.</summary>
    /// <param name="path">The option path in configuration form (<c>Fallbacks:0:ApiKey</c>).</param>
    /// <returns>The key.</returns>
    public string Key(string path) => _prefix switch
    {
        null => $"{nameof(MaiClientOptions)}.{path.Replace(':', '.')}",
        "" => path,
        _ => $"{_prefix}:{path}",
    };

    /// <summary>Rewrites property paths of the library's option types in <paramref name="message"/> into configuration keys.</summary>
    /// <param name="message">An exception message from option validation.</param>
    /// <returns>The message naming configuration keys, without the trailing <c>(Parameter '…')</c>.</returns>
    public string Translate(string message)
    {
        var text = ParameterSuffix().Replace(message, string.Empty);
        return _prefix is null ? text : PropertyPath().Replace(text, m => Key(ToKey(m)));
    }

    /// <summary>Turns a configuration binder failure into a message naming the key, without the value (it may be a key typed in the wrong place).</summary>
    /// <param name="exception">The binder's exception (with <see cref="BinderOptions.ErrorOnUnknownConfiguration"/>, a failure inside a
    /// collection is wrapped once).</param>
    /// <param name="boundKeys">The keys that were bound, relative to the section, to find the full path of an unknown key.</param>
    /// <returns>The message.</returns>
    public string FromBinder(InvalidOperationException exception, IEnumerable<string> boundKeys)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (ConversionFailure().Match(e.Message) is { Success: true } conversion)
            {
                return NotValid(conversion.Groups["key"].Value, conversion.Groups["type"].Value.Split('.')[^1]);
            }

            if (UnknownKeys().Match(e.Message) is { Success: true } unknown)
            {
                var type = unknown.Groups["type"].Value.Split('.', '+')[^1];
                var name = unknown.Groups["name"].Value;
                var path = UnknownKeyPath(type, name, boundKeys);
                return path is null
                    ? $"'{name}' under {(_prefix is null or "" ? "the configuration" : _prefix)} is not a Mai.Client setting; check its spelling."
                    : $"{Key(path)} is not a Mai.Client setting; check its spelling.";
            }
        }

        return $"The configuration{(_prefix is null or "" ? string.Empty : $" at '{_prefix}'")} could not be bound to {nameof(MaiClientOptions)}.";
    }

    /// <summary>The message for a value that does not convert; the value itself is never shown.</summary>
    /// <param name="path">The key, relative to the section.</param>
    /// <param name="type">The type the value should convert to.</param>
    /// <returns>The message, e.g. <c>Mai:Budgets:0:MaxTokens is not a valid Int64: expected a whole number in digits.</c></returns>
    public string NotValid(string path, Type type) => NotValid(path, type.Name);

    /// <summary>Replaces every occurrence of the given secrets in <paramref name="message"/> (defence in depth: a key pasted into the wrong setting).</summary>
    /// <param name="message">The message.</param>
    /// <param name="secrets">The API keys of the options; null and blank entries are skipped.</param>
    /// <returns>The message without any of the secrets.</returns>
    public static string Redact(string message, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            // Short values ("k" in a test) would shred the message; the messages never echo values anyway, this is defence in depth.
            if (secret is { Length: >= MinimumRedactedLength } && !string.IsNullOrWhiteSpace(secret))
            {
                message = message.Replace(secret, "[redacted]", StringComparison.Ordinal);
            }
        }

        return message;
    }

    private static string ToKey(Match match)
    {
        var key = new StringBuilder(match.Groups["root"].Value switch
        {
            "MaiResilienceOptions" => "Resilience",
            "BudgetOptions.Limits" => "Budgets",
            "PriceTableOptions" => "Prices",
            _ => string.Empty,
        });
        foreach (Capture segment in match.Groups["segment"].Captures)
        {
            var name = segment.Value.TrimStart('.', '[').TrimEnd(']').Trim('\'');
            key.Append(key.Length == 0 ? string.Empty : ":").Append(name);
        }

        return key.ToString();
    }

    /// <summary>The path of an unknown key: the binder names the type and the key, and the type tells where it sits.</summary>
    private static string? UnknownKeyPath(string type, string name, IEnumerable<string> boundKeys)
    {
        string[]? parent = type switch
        {
            nameof(MaiClientOptions) => [],
            nameof(MaiResilienceOptions) => [nameof(MaiClientOptions.Resilience)],
            nameof(MaiDeployment) => [nameof(MaiClientOptions.Fallbacks), "*"],
            nameof(BudgetLimit) => [nameof(MaiClientOptions.Budgets), "*"],
            nameof(PriceTableOptions) => [nameof(MaiClientOptions.Prices)],
            nameof(ModelPrice) => [nameof(MaiClientOptions.Prices), nameof(PriceTableOptions.Models), "*"],
            _ => null,
        };
        if (parent is null)
        {
            return null;
        }

        foreach (var key in boundKeys)
        {
            var segments = key.Split(':');
            if (segments.Length > parent.Length
                && string.Equals(segments[parent.Length], name, StringComparison.OrdinalIgnoreCase)
                && parent.Select((p, i) => p == "*" || string.Equals(p, segments[i], StringComparison.OrdinalIgnoreCase)).All(match => match))
            {
                return string.Join(':', segments.Take(parent.Length + 1));
            }
        }

        return null;
    }

    private string NotValid(string path, string type) => $"{Key(path)} is not a valid {type}: expected {Expected(type)}.";

    private static string Expected(string type) => type switch
    {
        "Int32" or "Int64" => "a whole number in digits",
        "Decimal" or "Double" => "a number with '.' as the decimal point",
        "Boolean" => "true or false",
        "TimeSpan" => "a time span such as 00:05:00",
        "DateOnly" => "a date such as 2026-11-01",
        nameof(BudgetWindow) => "one of " + string.Join(", ", Enum.GetNames<BudgetWindow>()),
        nameof(MaiTransport) => "one of " + string.Join(", ", Enum.GetNames<MaiTransport>()),
        _ => "a " + type,
    };

    // The binder's messages: "Failed to convert configuration value '…' at 'Budgets:0:MaxTokens' to type 'System.Int64'." and
    // "… the following properties were not found on the instance of Mai.Client.MaiDeployment: 'Modle'". The value is never taken.
    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'\.?$")]
    private static partial Regex ConversionFailure();

    [GeneratedRegex(@"not found on the instance of (?<type>[^:]+): '(?<name>[^']*)'")]
    private static partial Regex UnknownKeys();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)$")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\b(?<root>MaiClientOptions|MaiResilienceOptions|BudgetOptions\.Limits|PriceTableOptions|AzureInferenceChatClientOptions|OpenAIV1ChatClientOptions)(?<segment>\.[A-Za-z]+|\[\d+\]|\['[^']*'\])+")]
    private static partial Regex PropertyPath();
}
