using System.Text;
using System.Text.RegularExpressions;

namespace Mai.Client.Hosting;

/// <summary>
/// Rewrites the option-validation messages of the library (<c>MaiClientOptions.Fallbacks[0].Endpoint must be …</c>) so they name the
/// configuration key instead (<c>Mai:Fallbacks:0:Endpoint must be …</c>).
/// </summary>
/// <remarks>Messages of the library never contain a key or token, so neither does the rewritten text.</remarks>
internal sealed partial class ConfigurationKeyMessages
{
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

    /// <summary>Turns a configuration binder failure into a message naming the key.</summary>
    /// <param name="exception">The binder's exception; its message names the key path and the target type.</param>
    /// <returns>The message.</returns>
    public string FromBinder(InvalidOperationException exception)
    {
        var detail = exception.InnerException is { } inner ? " " + inner.Message : string.Empty;
        return BinderFailure().Match(exception.Message) is { Success: true } match
            ? $"{match.Groups["key"].Value} is not a valid {match.Groups["type"].Value.Split('.')[^1]}{(detail.Length > 0 ? ":" + detail : ".")}"
            : $"The configuration at '{_prefix}' could not be bound: {exception.Message}{detail}";
    }

    /// <summary>Replaces every occurrence of the given secrets in <paramref name="message"/> (defence in depth: a key pasted into the wrong setting).</summary>
    /// <param name="message">The message.</param>
    /// <param name="secrets">The API keys of the options; null and blank entries are skipped.</param>
    /// <returns>The message without any of the secrets.</returns>
    public static string Redact(string message, IEnumerable<string?> secrets)
    {
        foreach (var secret in secrets)
        {
            if (!string.IsNullOrWhiteSpace(secret))
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

    [GeneratedRegex(@"at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex BinderFailure();

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)$")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@"\b(?<root>MaiClientOptions|MaiResilienceOptions|BudgetOptions\.Limits|PriceTableOptions|AzureInferenceChatClientOptions)(?<segment>\.[A-Za-z]+|\[\d+\]|\['[^']*'\])+")]
    private static partial Regex PropertyPath();
}
