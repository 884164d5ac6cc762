using System.Globalization;
using Azure.Core;

namespace Mai.Client.Errors;

/// <summary>
/// The one rule for how long the service asked the client to wait, read from the response headers in the order
/// Azure.Core uses: <c>retry-after-ms</c>, then <c>x-ms-retry-after-ms</c>, then <c>Retry-After</c>. The transports put
/// its answer on <see cref="MaiServiceException.RetryAfter"/> and the resilience layer waits exactly that.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>retry-after-ms</c> and <c>x-ms-retry-after-ms</c>: a non-negative decimal number of milliseconds. Unlike
/// Azure.Core, which ignores fractional values, a fraction is honoured and rounded up to the next whole millisecond
/// (<c>1500.2</c> waits 1501 ms): never wait less than asked.</item>
/// <item><c>Retry-After</c>: non-negative integer seconds, or an RFC 1123 HTTP date (<c>Wed, 21 Oct 2015 07:28:00 GMT</c>)
/// measured against the response's own <c>Date</c> header when it has one (the server's clock against the server's clock, so
/// clock skew does not matter), else against the client's <see cref="TimeProvider"/>; a date in the past means no wait.</item>
/// <item>A malformed value (negative, signed, fraction of a second, exponent, thousands separator, list, other date format,
/// empty) is ignored and the next header is tried. Values above <see cref="MaxWait"/> (about 24.8 days) are clamped to it.</item>
/// </list>
/// </remarks>
internal static class RetryAfterReader
{
    public const string RetryAfterMs = "retry-after-ms";
    public const string XMsRetryAfterMs = "x-ms-retry-after-ms";
    public const string RetryAfter = "Retry-After";
    public const string Date = "Date";

    /// <summary>The largest wait a header can express here (<see cref="int.MaxValue"/> milliseconds, the longest timer).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(int.MaxValue);

    /// <summary>Reads the wait from a response's headers; an HTTP date is measured against its <c>Date</c> header, else <paramref name="time"/>.</summary>
    public static TimeSpan? Read(ResponseHeaders headers, TimeProvider time) =>
        GetServerWait(name => headers.TryGetValue(name, out var value) ? value : null, time);

    /// <summary>Gets the wait the server asked for, or <see langword="null"/> when no header gives a valid one.</summary>
    /// <param name="header">Looks a header up by name (case-insensitively); returns <see langword="null"/> when absent.</param>
    /// <param name="time">The client's clock, for an HTTP date when the response has no valid <c>Date</c> header.</param>
    public static TimeSpan? GetServerWait(Func<string, string?> header, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(time);
        if (TryParseMilliseconds(header(RetryAfterMs), out var wait) || TryParseMilliseconds(header(XMsRetryAfterMs), out wait))
        {
            return wait;
        }

        var retryAfter = header(RetryAfter);
        if (retryAfter is null)
        {
            return null;
        }

        var now = TryParseDate(header(Date), out var serverNow) ? serverNow : time.GetUtcNow();
        return TryParseRetryAfter(retryAfter, now, out wait) ? wait : null;
    }

    /// <summary>Gets the wait the server asked for, with an HTTP date measured against <paramref name="now"/>.</summary>
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

        if (TryParseDate(value, out var at))
        {
            var delta = at - now;
            wait = delta <= TimeSpan.Zero ? TimeSpan.Zero : delta > MaxWait ? MaxWait : delta;
            return true;
        }

        return false;
    }

    private static bool TryParseDate(string? value, out DateTimeOffset at) =>
        DateTimeOffset.TryParseExact(value.AsSpan().Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
}
