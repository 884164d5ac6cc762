namespace Mai.Emulator;

/// <summary>The frozen configuration and live state shared by every request of one emulator.</summary>
internal sealed class EmulatorState : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();

    public EmulatorState(MaiEmulatorOptions options)
    {
        ApiKey = options.ApiKey;
        Models = options.Models.Count == 0 ? EmulatedModel.Defaults : options.Models.ToArray();
        RejectUnknownModels = options.RejectUnknownModels;
        Seed = options.Seed;
        PromptCache = options.SimulatePromptCaching ? new PromptCache() : null;
        TimeProvider = options.TimeProvider;
    }

    public string? ApiKey { get; }

    public IReadOnlyList<EmulatedModel> Models { get; }

    public bool RejectUnknownModels { get; }

    public long Seed { get; }

    public PromptCache? PromptCache { get; }

    /// <summary>Anthropic-style explicit caching (<c>cache_control</c>); always on, since the request asks for it.</summary>
    public AnthropicPromptCache AnthropicCache { get; } = new();

    public TimeProvider TimeProvider { get; }

    public EmulatorFaultScript Faults { get; } = new();

    /// <summary>The tokens-per-minute counts of the models that set <see cref="EmulatedModel.TokensPerMinute"/>.</summary>
    public TokenQuota Quota { get; } = new();

    public RequestLog Log { get; } = new();

    /// <summary>Cancelled when the emulator stops, ending stalls and paced streams.</summary>
    public CancellationToken Stopping => _stopping.Token;

    public void Stop() => _stopping.Cancel();

    public EmulatedModel? FindModel(string? name) =>
        name is null ? null : Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase));

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay == TimeSpan.Zero ? Task.CompletedTask : Task.Delay(delay, TimeProvider, cancellationToken);

    public void Dispose() => _stopping.Dispose();
}
