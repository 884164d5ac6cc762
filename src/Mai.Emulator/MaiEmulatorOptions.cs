using Microsoft.Extensions.Logging;

namespace Mai.Emulator;

/// <summary>Settings for a <see cref="MaiEmulator"/>; copied when the emulator starts, so later edits change nothing.</summary>
public sealed class MaiEmulatorOptions
{
    /// <summary>Gets or sets the key clients must send as <c>api-key</c> or <c>Authorization: Bearer</c>; <see langword="null"/> accepts any request.</summary>
    /// <value>The default is <c>mai-emulator-key</c>.</value>
    public string? ApiKey { get; set; } = "mai-emulator-key";

    /// <summary>Gets or sets the loopback port to listen on; 0 picks a free port.</summary>
    /// <value>The default is 0.</value>
    public int Port { get; set; }

    /// <summary>Gets the models served; when empty, <see cref="EmulatedModel.Defaults"/> are used. The first model answers requests for unknown names unless <see cref="RejectUnknownModels"/> is set.</summary>
    public IList<EmulatedModel> Models { get; } = [];

    /// <summary>Gets or sets a value indicating whether a request for a model not in <see cref="Models"/> gets 400 <c>unknown_model</c> instead of the first model.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RejectUnknownModels { get; set; }

    /// <summary>Gets or sets the emulator-wide seed mixed into every generated answer (the request's <c>seed</c> is mixed in too).</summary>
    /// <value>The default is 0.</value>
    public long Seed { get; set; }

    /// <summary>Gets or sets a value indicating whether prompt caching is simulated: a prompt of at least 1024 tokens whose prefix was seen before on this instance reports <c>cached_tokens</c>, rounded down to 128-token blocks (Azure OpenAI rule).</summary>
    /// <value>The default is <see langword="false"/> (<c>cached_tokens</c> is always 0).</value>
    public bool SimulatePromptCaching { get; set; }

    /// <summary>Gets or sets the clock for pacing, stalls and <c>created</c> timestamps; tests pass a <c>FakeTimeProvider</c>.</summary>
    /// <value>The default is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets the logger factory for Kestrel and the emulator; <see langword="null"/> keeps them silent.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public ILoggerFactory? LoggerFactory { get; set; }
}
