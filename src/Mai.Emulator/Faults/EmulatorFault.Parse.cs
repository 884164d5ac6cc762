using System.Globalization;

namespace Mai.Emulator;

public sealed partial class EmulatorFault
{
    /// <summary>The request header that injects a fault into that one request.</summary>
    public const string HeaderName = "x-mai-fault";

    /// <summary>Parses the <c>x-mai-fault</c> header grammar: <c>name[;key=value]...</c>, case-insensitive.</summary>
    /// <param name="text">
    /// One of: <c>none</c>; <c>429</c> with optional <c>retry-after=&lt;s&gt;|none</c>, <c>retry-after-ms=&lt;ms&gt;</c> or
    /// <c>x-ms-retry-after-ms=&lt;ms&gt;</c> (default <c>retry-after=1</c>); any other status <c>400</c>–<c>599</c>;
    /// <c>reset</c>; <c>cut;after=&lt;n&gt;</c>; <c>truncate;after=&lt;n&gt;</c> (default n = 1);
    /// <c>stall[;after=&lt;n&gt;][;ms=&lt;ms&gt;]</c> (no <c>after</c>: before the first byte; no <c>ms</c>: until the client disconnects);
    /// <c>malformed[;after=&lt;n&gt;]</c>; <c>content-filter</c>; <c>context-length</c>; <c>stream-error[;after=&lt;n&gt;]</c> (default n = 1).
    /// On the Messages API, <c>529</c> is <c>overloaded_error</c> and <c>content-filter</c> is a 200 with <c>stop_reason: "refusal"</c>.
    /// </param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="FormatException"><paramref name="text"/> does not follow the grammar; the message names the bad part.</exception>
    public static EmulatorFault Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            throw new FormatException("The fault text is empty.");
        }

        var name = parts[0].ToUpperInvariant();
        var args = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in parts.AsSpan(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"Fault parameter '{part}' is not key=value.");
            }

            args[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        var fault = name switch
        {
            "NONE" => None,
            "429" or "RATE-LIMIT" => ParseRateLimit(args),
            "RESET" => ConnectionReset(),
            "CUT" => CutStream(Int(args, "after") ?? 1),
            "TRUNCATE" => TruncateStream(Int(args, "after") ?? 1),
            "STALL" => Stall(Int(args, "ms") is { } ms ? TimeSpan.FromMilliseconds(ms) : null, Int(args, "after")),
            "MALFORMED" => MalformedJson(Int(args, "after")),
            "CONTENT-FILTER" => ContentFilter(),
            "CONTEXT-LENGTH" => ContextLengthExceeded(),
            "STREAM-ERROR" => StreamError(Int(args, "after") ?? 1),
            _ when int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 599 => HttpError(status),
            _ => throw new FormatException($"Unknown fault '{parts[0]}'."),
        };

        if (args.Count > 0)
        {
            throw new FormatException($"Fault '{parts[0]}' does not take parameter '{args.Keys.First()}'.");
        }

        return fault;
    }

    private static EmulatorFault ParseRateLimit(Dictionary<string, string> args)
    {
        if (args.Remove("retry-after", out var s))
        {
            return s.Equals("none", StringComparison.OrdinalIgnoreCase)
                ? RateLimit(TimeSpan.Zero, RetryAfterHeader.None)
                : RateLimit(TimeSpan.FromSeconds(ToInt("retry-after", s)));
        }

        if (Int(args, "retry-after-ms") is { } ms)
        {
            return RateLimit(TimeSpan.FromMilliseconds(ms), RetryAfterHeader.RetryAfterMs);
        }

        if (Int(args, "x-ms-retry-after-ms") is { } xms)
        {
            return RateLimit(TimeSpan.FromMilliseconds(xms), RetryAfterHeader.XMsRetryAfterMs);
        }

        return RateLimit(TimeSpan.FromSeconds(1));
    }

    private static int? Int(Dictionary<string, string> args, string key) =>
        args.Remove(key, out var value) ? ToInt(key, value) : null;

    private static int ToInt(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new FormatException($"Fault parameter '{key}' needs a non-negative integer, got '{value}'.");
}
