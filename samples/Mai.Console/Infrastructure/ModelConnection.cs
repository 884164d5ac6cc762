namespace Mai.Console.Infrastructure;

/// <summary>Where calls for one model go and how they authenticate, as resolved from flags, environment and the emulator.</summary>
/// <remarks>Not a record on purpose: <see cref="ToString"/> must never print <see cref="ApiKey"/>.</remarks>
internal sealed class ModelConnection
{
    /// <summary>Gets the model (deployment) name sent with each call; <see langword="null"/> lets a serverless endpoint use its own.</summary>
    public string? Model { get; init; }

    /// <summary>Gets the endpoint; <see langword="null"/> until the embedded emulator is started for an emulated model.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Gets the API key, or <see langword="null"/> for Entra ID. Never shown.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Gets where the endpoint came from (a flag, an environment variable, or the embedded emulator).</summary>
    public required string EndpointSource { get; init; }

    /// <summary>Gets how calls authenticate, in words, naming where the key came from but never the key.</summary>
    public required string AuthKind { get; init; }

    /// <summary>Gets whether the model is served by the embedded emulator.</summary>
    public bool IsEmulated { get; init; }

    /// <summary>Gets whether the endpoint is on loopback (a Mai.Emulator started on its own, a test server): no real spend.</summary>
    public bool IsLocal => !IsEmulated && Endpoint is { IsLoopback: true };

    /// <summary>Gets the name shown in tables and reports: the model, with <c>(emulated)</c> when it is.</summary>
    public string DisplayName => (Model ?? "(endpoint's model)") + (IsEmulated ? " (emulated)" : string.Empty);

    public override string ToString() => $"{DisplayName} at {Endpoint?.Host ?? "the embedded emulator"} ({AuthKind})";
}
