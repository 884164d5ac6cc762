using System.Globalization;

namespace Mai.Client.Resilience;

/// <summary>
/// Reads how long the service asked the client to wait, from the response headers, in the order Azure.Core uses:
/// <c>retry-after-ms</c>, then <c>x-ms-retry-after-ms</c>, then <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c>: a non-negative decimal number of milliseconds. Unlike
/// Azure.Core, which ignores fractional values, a fraction is honoured and rounded up to the next whole millisecond
/// (<c>1500.2</c> waits 1501 ms): never wait less than asked.</item>
/// <item><c>Retry-After</c>: non-negative integer seconds, or an RFC 1123 HTTP date (<c>Wed, 21 Oct 2015 07:28:00 GMT</c>)
/// measured against the <see cref="TimeProvider"/>'s now; a date in the past means no wait.</item>
/// <item>A malformed value (negative, signed, exponent, thousands separator, list, other date format, empty) is ignored
/// and the next header is tried. Values above <see cref="MaxWait"/> (about 24.8 days) are clamped to it.</item>
/// </list>
/// </remarks>
internal static class RetryAfterHeaders
{
    public const string RetryAfterMs = "retry-after-ms";
    public const string XMsRetryAfterMs = "x-ms-retry-after-ms";
    public const string RetryAfter = "Retry-After";

    /// <summary>The largest wait a header can express here (<see cref="int.MaxValue"/> milliseconds).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Gets the wait the server asked for, or <see langword="null"/> when no header gives a valid one.</summary>
    /// <param name="header">Looks a header up by name (case-insensitively); returns <see langword="null"/> when absent.</param>
    /// <param name="now">The current time, for HTTP dates.</param>
    public static TimeSpan? GetServerWait(Func<string, string?> header, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (TryParseMilliseconds(header(RetryAfterMs), out var wait)
            || TryParseMilliseconds(header(XMsRetryAfterMs), out wait)
            || TryParseRetryAfter(header(RetryAfter), now, out wait))
        {
            return wait;
        }

        return null;
    }

    /// <summary>Parses a millisecond header value; fractions round up.</summary>
    public static bool TryParseMilliseconds(string? value, out TimeSpan wait)
    {
        wait = default;
        var text = value.AsSpan().Trim();
        if (text.IsEmpty || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var ms))
        {
            return false;
        }

        ms = Math.Ceiling(ms);
        wait = ms >= int.MaxValue ? MaxWait : TimeSpan.FromMilliseconds((long)ms);
        return true;
    }

    /// <summary>Parses a <c>Retry-After</c> value: integer seconds or an RFC 1123 date.</summary>
    public static bool TryParseRetryAfter(string? value, DateTimeOffset now, out TimeSpan wait)
    {
        wait = default;
        var text = value.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return false;
        }

        if (char.IsAsciiDigit(text[0]))
        {
            if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                // All digits but too large for ulong still means "a very long time"; anything else is malformed.
                if (!text.ContainsAnyExceptInRange('0', '9'))
                {
                    wait = MaxWait;
                    return true;
                }

                return false;
            }

            wait = seconds >= (ulong)MaxWait.TotalSeconds ? MaxWait : TimeSpan.FromSeconds(seconds);
            return true;
        }

        if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            var delta = at - now;
            wait = delta <= TimeSpan.Zero ? TimeSpan.Zero : delta > MaxWait ? MaxWait : delta;
            return true;
        }

        return false;
    }
}
