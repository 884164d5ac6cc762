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

    /// <summary>Gets the models served; when empty, <see cref="EmulatedModel.Defaults"/> are used. Unknown names are an error unless <see cref="RejectUnknownModels"/> is cleared, when the first chat-completions model answers them.</summary>
    public IList<EmulatedModel> Models { get; } = [];

    /// <summary>Gets or sets a value indicating whether a request for a model not in <see cref="Models"/> gets an error, as from the service
    /// (chat completions: 400 <c>unknown_model</c>, or 404 <c>DeploymentNotFound</c> for a deployment URL; the Messages API always answers 404 <c>not_found_error</c>),
    /// instead of being answered by the first chat-completions model.</summary>
    /// <value>The default is <see langword="true"/>: a misspelt model name is an error, never a silent answer from another model.</value>
    public bool RejectUnknownModels { get; set; } = true;

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
