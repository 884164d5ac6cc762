using System.Globalization;
using Azure.Core;

namespace Mai.Client.Errors;

/// <summary>Reads the server's wait hint in Azure.Core's order: <c>retry-after-ms</c>, <c>x-ms-retry-after-ms</c>, then <c>Retry-After</c>.</summary>
internal static class RetryAfterReader
{
    public static TimeSpan? Read(ResponseHeaders headers)
    {
        if (TryMilliseconds(headers, "retry-after-ms", out var wait) || TryMilliseconds(headers, "x-ms-retry-after-ms", out wait))
        {
            return wait;
        }

        if (!headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        // An HTTP-date is measured against the response's own Date header, so no local clock is involved.
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            && headers.Date is { } date)
        {
            var delta = at - date;
            return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
        }

        return null;
    }

    private static bool TryMilliseconds(ResponseHeaders headers, string name, out TimeSpan wait)
    {
        wait = default;
        if (headers.TryGetValue(name, out var value)
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms >= 0 && ms < TimeSpan.MaxValue.TotalMilliseconds)
        {
            wait = TimeSpan.FromMilliseconds(ms);
            return true;
        }

        return false;
    }
}
