using System.Globalization;
using System.Text;

namespace Mai.Emulator;

/// <summary>A failure the emulator injects into one chat-completions request; create with the static factories or <see cref="Parse"/>.</summary>
/// <remarks>
/// Queue faults with <see cref="MaiEmulator.Faults"/> / <see cref="MaiEmulator.Script"/>, or send one per request in the
/// <c>x-mai-fault</c> header using the grammar of <see cref="Parse"/> (which <see cref="ToString"/> produces).
/// "Chunks" count every <c>data:</c> event written, starting with the first (role) chunk.
/// </remarks>
public sealed partial class EmulatorFault
{
    private EmulatorFault(EmulatorFaultKind kind)
    {
        Kind = kind;
    }

    /// <summary>Gets what this fault does.</summary>
    public EmulatorFaultKind Kind { get; }

    /// <summary>Gets the HTTP status sent, or 0 when the fault sends no error status.</summary>
    public int StatusCode { get; private init; }

    /// <summary>Gets the delay advertised by a rate-limit fault.</summary>
    public TimeSpan RetryAfter { get; private init; }

    /// <summary>Gets the header a rate-limit fault uses for <see cref="RetryAfter"/>.</summary>
    public RetryAfterHeader RetryAfterHeader { get; private init; }

    /// <summary>Gets the number of SSE chunks written before the fault acts; <see langword="null"/> means before the first byte (stall) or in the body itself (malformed).</summary>
    public int? AfterChunks { get; private init; }

    /// <summary>Gets how long a stall lasts; <see langword="null"/> means until the client disconnects or the emulator stops.</summary>
    public TimeSpan? Duration { get; private init; }

    /// <summary>Gets a fault that does nothing: the request is answered normally.</summary>
    public static EmulatorFault None { get; } = new(EmulatorFaultKind.None);

    /// <summary>Creates a 429 with the real Azure OpenAI body and <c>x-ratelimit-*</c> headers, advertising <paramref name="retryAfter"/> through <paramref name="header"/>.</summary>
    /// <param name="retryAfter">The delay to advertise; rounded up to whole seconds for <see cref="RetryAfterHeader.RetryAfter"/>.</param>
    /// <param name="header">The header that carries the delay.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is negative.</exception>
    public static EmulatorFault RateLimit(TimeSpan retryAfter, RetryAfterHeader header = RetryAfterHeader.RetryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        if (!Enum.IsDefined(header))
        {
            throw new ArgumentOutOfRangeException(nameof(header), header, "Unknown RetryAfterHeader.");
        }

        return new(EmulatorFaultKind.RateLimit) { StatusCode = 429, RetryAfter = retryAfter, RetryAfterHeader = header };
    }

    /// <summary>Creates an error status with an Azure-like JSON body (500 <c>InternalServerError</c>, 503 <c>ServiceUnavailable</c>, 408 <c>Timeout</c>, …).</summary>
    /// <param name="statusCode">An HTTP status from 400 to 599; 429 gives <see cref="RateLimit"/> with a 1-second <c>Retry-After</c>.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="statusCode"/> is outside 400–599.</exception>
    public static EmulatorFault HttpError(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 599);
        return statusCode == 429
            ? RateLimit(TimeSpan.FromSeconds(1))
            : new(EmulatorFaultKind.HttpError) { StatusCode = statusCode };
    }

    /// <summary>Creates a fault that aborts the connection before any response byte (the client sees a reset).</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault ConnectionReset() => new(EmulatorFaultKind.ConnectionReset);

    /// <summary>Creates a fault that aborts the connection after <paramref name="afterChunks"/> SSE chunks (non-streaming: after half the body).</summary>
    /// <param name="afterChunks">The chunks written before the abort.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorFault CutStream(int afterChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new(EmulatorFaultKind.CutStream) { AfterChunks = afterChunks };
    }

    /// <summary>Creates a fault that ends the response cleanly after <paramref name="afterChunks"/> SSE chunks, without <c>data: [DONE]</c> (non-streaming: after half the body).</summary>
    /// <param name="afterChunks">The chunks written before the clean close.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorFault TruncateStream(int afterChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new(EmulatorFaultKind.TruncateStream) { AfterChunks = afterChunks };
    }

    /// <summary>Creates a stall: the response stops for <paramref name="duration"/> (then continues normally) or until the client disconnects.</summary>
    /// <param name="duration">How long to stall, measured on the emulator's <see cref="TimeProvider"/>; <see langword="null"/> stalls until the client disconnects or the emulator stops.</param>
    /// <param name="afterChunks">Stall after this many SSE chunks (non-streaming: after the headers); <see langword="null"/> stalls before the first byte.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> or <paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorFault Stall(TimeSpan? duration = null, int? afterChunks = null)
    {
        if (duration is { } d)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(d, TimeSpan.Zero, nameof(duration));
        }

        if (afterChunks is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(afterChunks));
        }

        return new(EmulatorFaultKind.Stall) { Duration = duration, AfterChunks = afterChunks };
    }

    /// <summary>Creates a 200 whose JSON is broken: the whole body (non-streaming), or one broken SSE chunk after <paramref name="afterChunks"/> chunks.</summary>
    /// <param name="afterChunks">For streams, the good chunks before the broken one; <see langword="null"/> means 1. Ignored for non-streaming requests.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorFault MalformedJson(int? afterChunks = null)
    {
        if (afterChunks is { } n)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(afterChunks));
        }

        return new(EmulatorFaultKind.MalformedJson) { AfterChunks = afterChunks };
    }

    /// <summary>Creates the real Azure 400 <c>content_filter</c> (prompt filtered, <c>innererror.content_filter_result</c>), plain JSON even for streaming requests.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault ContentFilter() => new(EmulatorFaultKind.ContentFilter) { StatusCode = 400 };

    /// <summary>Creates a 400 <c>context_length_exceeded</c> computed from the request's real token counts.</summary>
    /// <returns>The fault.</returns>
    public static EmulatorFault ContextLengthExceeded() => new(EmulatorFaultKind.ContextLengthExceeded) { StatusCode = 400 };

    /// <summary>Creates an error event inside a 200 stream after <paramref name="afterChunks"/> events (Messages API: <c>event: error</c> with <c>overloaded_error</c>; chat completions: <c>data: {"error": …}</c>), then the response ends. Non-streaming requests get 529 (Messages API) or 500.</summary>
    /// <param name="afterChunks">The events written before the error event.</param>
    /// <returns>The fault.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="afterChunks"/> is negative.</exception>
    public static EmulatorFault StreamError(int afterChunks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(afterChunks);
        return new(EmulatorFaultKind.StreamError) { AfterChunks = afterChunks };
    }

    /// <summary>Returns the fault in the <c>x-mai-fault</c> header grammar, e.g. <c>429;retry-after-ms=1500</c> or <c>cut;after=3</c>.</summary>
    /// <returns>Text that <see cref="Parse"/> turns back into an equivalent fault.</returns>
    public override string ToString()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        switch (Kind)
        {
            case EmulatorFaultKind.None:
                return "none";
            case EmulatorFaultKind.RateLimit:
                sb.Append("429;");
                sb.Append(RetryAfterHeader switch
                {
                    RetryAfterHeader.RetryAfterMs => string.Create(inv, $"retry-after-ms={(long)RetryAfter.TotalMilliseconds}"),
                    RetryAfterHeader.XMsRetryAfterMs => string.Create(inv, $"x-ms-retry-after-ms={(long)RetryAfter.TotalMilliseconds}"),
                    RetryAfterHeader.None => "retry-after=none",
                    _ => string.Create(inv, $"retry-after={RetryAfterSeconds}"),
                });
                return sb.ToString();
            case EmulatorFaultKind.HttpError:
                return StatusCode.ToString(inv);
            case EmulatorFaultKind.ConnectionReset:
                return "reset";
            case EmulatorFaultKind.CutStream:
                return string.Create(inv, $"cut;after={AfterChunks}");
            case EmulatorFaultKind.TruncateStream:
                return string.Create(inv, $"truncate;after={AfterChunks}");
            case EmulatorFaultKind.Stall:
                sb.Append("stall");
                if (AfterChunks is { } a)
                {
                    sb.Append(inv, $";after={a}");
                }

                if (Duration is { } d)
                {
                    sb.Append(inv, $";ms={(long)d.TotalMilliseconds}");
                }

                return sb.ToString();
            case EmulatorFaultKind.MalformedJson:
                return AfterChunks is { } m ? string.Create(inv, $"malformed;after={m}") : "malformed";
            case EmulatorFaultKind.ContentFilter:
                return "content-filter";
            case EmulatorFaultKind.StreamError:
                return string.Create(inv, $"stream-error;after={AfterChunks}");
            default:
                return "context-length";
        }
    }

    internal long RetryAfterSeconds => (long)Math.Ceiling(RetryAfter.TotalSeconds);
}
