using Microsoft.AspNetCore.Builder;

namespace Mai.Emulator;

/// <summary>A local endpoint on 127.0.0.1 that speaks the Azure AI Inference / Azure OpenAI / OpenAI v1 chat-completions wire protocol and
/// Anthropic's Messages API (Claude on Foundry, <c>/anthropic/v1/messages</c>), for tests and offline use.</summary>
/// <remarks>
/// <para>Routes: <c>POST /chat/completions</c>, <c>/models/chat/completions</c>, <c>/openai/v1/chat/completions</c>,
/// <c>/openai/deployments/{deployment}/chat/completions</c> (the deployment picks the model); <c>POST /anthropic/v1/messages</c>
/// for the Claude models (<c>anthropic-version</c> header required; key as <c>x-api-key</c>, <c>api-key</c> or a bearer token);
/// <c>GET /info</c>, <c>/models/info</c>, <c>/openai/v1/models</c> and <c>/anthropic/v1/models</c>. Any <c>api-version</c> query is accepted.</para>
/// <para>Answers are deterministic for the same request, model and seed. Usage is counted with o200k_base:
/// <c>prompt_tokens</c> = 3 + Σ over messages (3 + tokens(role) + tokens(content) [+ tokens(name) + 1])
/// [+ tokens(tool-call name) + tokens(arguments) per assistant tool call] [+ tokens(name) + tokens(description) + tokens(parameters JSON) per offered tool];
/// <c>completion_tokens</c> = tokens(reasoning) + tokens(answer) + Σ tokens(tool-call arguments), each counted separately;
/// <c>reasoning_tokens</c> = tokens(reasoning), where for <see cref="ReasoningStyle.ThinkTags"/> the reasoning is the whole
/// <c>"&lt;think&gt;\n…\n&lt;/think&gt;\n\n"</c> block.</para>
/// <para>Thread-safe. Dispose to stop the server; pending stalls and paced streams end at once.</para>
/// </remarks>
public sealed class MaiEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorState _state;
    private int _disposed;

    private MaiEmulator(WebApplication app, EmulatorState state, Uri endpoint)
    {
        _app = app;
        _state = state;
        Endpoint = endpoint;
    }

    /// <summary>Gets the base address, e.g. <c>http://127.0.0.1:53411</c>; append <c>/openai/v1</c> for the OpenAI SDK.</summary>
    public Uri Endpoint { get; }

    /// <summary>Gets the key clients must send, or <see langword="null"/> when any request is accepted.</summary>
    public string? ApiKey => _state.ApiKey;

    /// <summary>Gets the models served (also listed by <c>GET /openai/v1/models</c> and <c>GET /anthropic/v1/models</c>); a request for any other name is an error unless unknown models are accepted.</summary>
    public IReadOnlyList<EmulatedModel> Models => _state.Models;

    /// <summary>Gets the names of the models served, for suggesting a name when one is misspelt.</summary>
    public IReadOnlyList<string> ModelNames => [.. _state.Models.Select(m => m.Name)];

    /// <summary>Gets the Messages API base address for the Anthropic clients, <c>{Endpoint}anthropic</c> (the Foundry shape: the client appends <c>/v1/messages</c>).</summary>
    public Uri AnthropicEndpoint => new(Endpoint, "anthropic");

    /// <summary>Gets the queue of faults for the next chat-completions requests.</summary>
    public EmulatorFaultScript Faults => _state.Faults;

    /// <summary>Gets a snapshot of every HTTP request received so far, oldest first (all routes, including failed ones).</summary>
    public IReadOnlyList<EmulatorRequest> Requests => _state.Log.Snapshot();

    /// <summary>Starts an emulator on 127.0.0.1 and returns once it accepts connections.</summary>
    /// <param name="options">The settings; <see langword="null"/> uses the defaults (the <see cref="EmulatedModel.Defaults"/> models, key <c>mai-emulator-key</c>, a free port).</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running emulator; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">A model is invalid or two models share a name; the message names the property.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="MaiEmulatorOptions.Port"/> is outside 0–65535.</exception>
    /// <exception cref="IOException">The port is already in use.</exception>
    public static async Task<MaiEmulator> StartAsync(MaiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MaiEmulatorOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.Port, "options.Port");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, "options.Port");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");
        foreach (var model in options.Models)
        {
            ArgumentNullException.ThrowIfNull(model, "options.Models");
            model.Validate();
        }

        var duplicate = options.Models.GroupBy(m => m.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two emulated models are named '{duplicate.Key}'.", "options.Models");
        }

        var state = new EmulatorState(options);
        var app = EmulatorApp.Build(state, options.Port, options.LoggerFactory);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }

        var address = app.Urls.First().Replace("[::1]", "127.0.0.1", StringComparison.Ordinal);
        return new MaiEmulator(app, state, new Uri(address));
    }

    /// <summary>Queues <paramref name="faults"/> for the next requests, one each, in order (<see cref="EmulatorFault.None"/> lets one through).</summary>
    /// <param name="faults">The faults, first for the next request.</param>
    /// <exception cref="ArgumentNullException"><paramref name="faults"/> or one of its items is null.</exception>
    public void Script(params IEnumerable<EmulatorFault> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        foreach (var fault in faults)
        {
            _state.Faults.Enqueue(fault);
        }
    }

    /// <summary>Forgets every recorded request, so a test can count from zero.</summary>
    public void ClearRequests() => _state.Log.Clear();

    /// <summary>Stops the server, ending open connections.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _state.Stop();
        try
        {
            await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
            _state.Dispose();
        }
    }
}
