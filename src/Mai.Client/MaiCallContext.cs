using Mai.Client.Accounting;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>
/// Collects what the pipeline's layers learn about one logical call (attempts, waits, usage records), so that
/// the <c>MaiClient</c> facade can report it on the result and on the exception, streaming included.
/// </summary>
/// <remarks>
/// The one per-call channel: every layer reports here (resilience its attempts, metering its usage records), and the
/// <c>MaiClient</c> facade reads it for <see cref="MaiResult"/>. Attach your own with <see cref="Attach"/> to watch a call
/// from an <see cref="IChatClient"/>. The context travels in <see cref="ChatOptions.AdditionalProperties"/> under an internal
/// key; keys that start with <c>mai.</c> are pipeline-internal and the transports never send them. The type is thread-safe.
/// </remarks>
public sealed class MaiCallContext
{
    /// <summary>The name of the <see cref="ChatOptions.AdditionalProperties"/> key under which the context travels.</summary>
    internal const string OptionsKey = "mai.call";

    /// <summary>The prefix of <see cref="ChatOptions.AdditionalProperties"/> keys that are never sent to the service.</summary>
    internal const string InternalKeyPrefix = "mai.";

    /// <summary>The typed key under which the context travels.</summary>
    internal static readonly MaiPropertyKey<MaiCallContext> Key = new(OptionsKey);

    private readonly Lock _gate = new();
    private readonly List<MaiAttempt> _attempts = [];
    private readonly List<UsageRecord> _usage = [];

    /// <summary>Gets a snapshot of the attempts recorded so far, in order.</summary>
    public IReadOnlyList<MaiAttempt> Attempts
    {
        get
        {
            lock (_gate)
            {
                return [.. _attempts];
            }
        }
    }

    /// <summary>Records one attempt (the resilience layer reports here).</summary>
    internal void AddAttempt(MaiAttempt attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        lock (_gate)
        {
            _attempts.Add(attempt);
        }

        AttemptObserver?.Invoke(attempt);
    }

    /// <summary>Gets or sets a callback told of each attempt as it is recorded (a failed one once the wait after it is known),
    /// for progress displays. It runs on the call's flow: keep it short and never throw from it.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public Action<MaiAttempt>? AttemptObserver { get; set; }

    /// <summary>Gets a snapshot of the usage records the metering layer added for this call (one per billed attempt), in order.</summary>
    public IReadOnlyList<UsageRecord> UsageRecords
    {
        get
        {
            lock (_gate)
            {
                return [.. _usage];
            }
        }
    }

    /// <summary>Adds the usage record of one attempt (the metering layer reports here).</summary>
    internal void AddUsage(UsageRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _usage.Add(record);
        }
    }

    /// <summary>Gets the context attached to <paramref name="options"/>, if any.</summary>
    /// <param name="options">The call's options.</param>
    /// <returns>The attached context, or <see langword="null"/>.</returns>
    public static MaiCallContext? Get(ChatOptions? options) => Key.Get(options?.AdditionalProperties);

    /// <summary>Returns a copy of <paramref name="options"/> (never the caller's instance) with <paramref name="context"/> attached.</summary>
    /// <param name="options">The caller's options, or <see langword="null"/>.</param>
    /// <param name="context">The context to attach.</param>
    /// <returns>A new <see cref="ChatOptions"/> carrying the context.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public static ChatOptions Attach(ChatOptions? options, MaiCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var copy = options?.Clone() ?? new ChatOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        Key.Set(copy.AdditionalProperties, context);
        return copy;
    }

    /// <summary>Tells whether an <see cref="ChatOptions.AdditionalProperties"/> key is pipeline-internal (never sent on the wire).</summary>
    internal static bool IsInternalKey(string key) => key is not null && key.StartsWith(InternalKeyPrefix, StringComparison.Ordinal);
}
