using System.Globalization;
using Mai.Client;
using Mai.Client.Conversation;
using Mai.Console.Commands;
using Mai.Console.Infrastructure;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace Mai.Console.Chat;

/// <summary>
/// One <c>mai chat</c> conversation: reads turns from the environment's input (typed or piped), streams each answer with its
/// reasoning apart, handles <c>/usage</c>, <c>/reset</c>, <c>/model NAME</c>, <c>/help</c>, <c>/exit</c>, and keeps the history
/// within the model's context window with a <see cref="TokenBudgetChatReducer"/>, saying so in one line when it trims.
/// </summary>
internal sealed class ChatSession(CliEnvironment environment, ClientFactory factory, ChatSettings settings) : IDisposable
{
    public const int DefaultContextWindow = 128_000;

    private readonly List<ChatMessage> _history = [];
    private readonly SessionUsage _usage = new();
    private readonly IAnsiConsole _console = CliConsole.ForOutput(environment);
    private MaiClient? _client;
    private ModelConnection? _connection;
    private TokenBudgetChatReducer? _reducer;
    private int _maxOutput;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        await SwitchModelAsync(model: null, cancellationToken).ConfigureAwait(false);
        Reset();
        if (environment.InteractiveInput)
        {
            _console.MarkupLine($"[grey]Chatting with {Markup.Escape(_connection!.DisplayName)}. /help for commands, /exit to leave.[/]");
        }

        // The line being read survives a Ctrl+C at the prompt: it is read on its own task, so Ctrl+C is seen at once.
        Task<string?>? pending = null;
        var quitRequests = 0;
        while (true)
        {
            if (environment.InteractiveInput && pending is null)
            {
                _console.Markup("[bold]> [/]");
            }

            pending ??= Task.Run(environment.ReadPromptLine ?? environment.Input.ReadLine, CancellationToken.None);
            var interrupted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (environment.Interrupts.Claim(() => interrupted.TrySetResult()))
            {
                environment.Interrupts.Report("idle");
                if (await Task.WhenAny(pending, interrupted.Task).WaitAsync(cancellationToken).ConfigureAwait(false) != pending)
                {
                    if (++quitRequests >= 2)
                    {
                        await environment.Error.WriteLineAsync().ConfigureAwait(false);
                        return MaiCli.Cancelled;
                    }

                    await environment.Error.WriteLineAsync(Environment.NewLine + "mai: press Ctrl+C again (or Ctrl+D) to quit; /exit leaves too.").ConfigureAwait(false);
                    continue;
                }
            }

            var line = await pending.ConfigureAwait(false);
            pending = null;
            quitRequests = 0;
            if (line is null)
            {
                return 0;
            }

            line = line.Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('/'))
            {
                if (!await HandleCommandAsync(line, cancellationToken).ConfigureAwait(false))
                {
                    return 0;
                }

                continue;
            }

            await TurnAsync(line, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client?.Dispose();

    /// <summary>Runs one command; returns false for <c>/exit</c>.</summary>
    private async Task<bool> HandleCommandAsync(string line, CancellationToken cancellationToken)
    {
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var name = (space < 0 ? line : line[..space]).ToLowerInvariant();
        var argument = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        switch (name)
        {
            case "/exit" or "/quit":
                return false;
            case "/usage":
                _console.WriteLine(_usage.Format());
                _console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history: {_history.Count} message{(_history.Count == 1 ? string.Empty : "s")} ≈ {_reducer!.CountTokens(_history):N0} of {_reducer.MaxPromptTokens:N0} prompt tokens"));
                return true;
            case "/reset":
                Reset();
                _console.WriteLine("conversation reset" + (settings.System is null ? "." : " (system message kept)."));
                return true;
            case "/model" when argument.Length > 0:
                try
                {
                    await SwitchModelAsync(argument, cancellationToken).ConfigureAwait(false);
                    _console.WriteLine($"model: {_connection!.DisplayName}");
                    TrimIfNeeded();
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
                }

                return true;
            case "/model":
                _console.WriteLine($"model: {_connection!.DisplayName} (switch with /model NAME)");
                return true;
            case "/help":
                _console.WriteLine("/usage  tokens and cost so far · /reset  forget the conversation · /model NAME  switch model · /exit  leave");
                return true;
            default:
                await environment.Error.WriteLineAsync($"mai: unknown command {name}; /help lists them.").ConfigureAwait(false);
                return true;
        }
    }

    /// <summary>One question and its streamed answer. Ctrl+C during the answer cancels that answer only: the question leaves the
    /// history (ask it again), everything before it stays, and the prompt comes back.</summary>
    private async Task TurnAsync(string text, CancellationToken cancellationToken)
    {
        _history.Add(new ChatMessage(ChatRole.User, text));
        TrimIfNeeded();
        var options = new ChatOptions { MaxOutputTokens = settings.MaxTokens, Temperature = (float?)settings.Temperature };
        using var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var claim = environment.Interrupts.Claim(answer.Cancel);
        environment.Interrupts.Report("answer");
        var updates = 0;
        try
        {
            var result = await StreamRenderer.RenderAsync(
                _client!.StreamAsync(_history, options, answer.Token), _console, _console, answer.Token,
                _ =>
                {
                    if (updates++ == 0)
                    {
                        environment.Interrupts.Report("update");
                    }
                }).ConfigureAwait(false);
            _usage.Add(result);
            _history.Add(new ChatMessage(ChatRole.Assistant, result.Answer));
            _console.WriteLine();
            if (_usage.FormatRunningCost(result) is { } cost)
            {
                await environment.Error.WriteLineAsync(cost).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (answer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            _history.RemoveAt(_history.Count - 1);
            _console.WriteLine();
            await environment.Error.WriteLineAsync($"mai: answer cancelled after {updates} update{(updates == 1 ? string.Empty : "s")}; the conversation before it is kept.").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The question stays out of the history so the user can ask it again.
            _history.RemoveAt(_history.Count - 1);
            await environment.Error.WriteLineAsync(ErrorReporter.Describe(ex)).ConfigureAwait(false);
        }
    }

    private void TrimIfNeeded()
    {
        var before = _history.Count;
        var beforeTokens = _reducer!.CountTokens(_history);
        var reduced = _reducer.ReduceAsync(_history).GetAwaiter().GetResult().ToList();
        if (reduced.Count == before)
        {
            return;
        }

        var dropped = before - reduced.Count;
        _history.Clear();
        _history.AddRange(reduced);
        environment.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"mai: conversation trimmed to fit {_connection!.Model}'s context window: dropped the {dropped} oldest message{(dropped == 1 ? string.Empty : "s")} (≈ {beforeTokens - _reducer.CountTokens(_history):N0} tokens); {_reducer.CountTokens(_history):N0} of {_reducer.MaxPromptTokens:N0} prompt tokens in use."));
    }

    private void Reset()
    {
        _history.Clear();
        if (!string.IsNullOrWhiteSpace(settings.System))
        {
            _history.Add(new ChatMessage(ChatRole.System, settings.System));
        }
    }

    private async Task SwitchModelAsync(string? model, CancellationToken cancellationToken)
    {
        var connection = await factory.ConnectAsync(settings, model, cancellationToken).ConfigureAwait(false);
        var window = settings.ContextWindow
            ?? (connection.IsEmulated ? environment.EmulatorModels.FirstOrDefault(m => m.Name.Equals(connection.Model, StringComparison.OrdinalIgnoreCase))?.ContextWindow : null)
            ?? DefaultContextWindow;
        _maxOutput = settings.MaxTokens ?? Math.Min(4096, window / 4);
        if (_maxOutput >= window)
        {
            throw new ArgumentException($"--max-tokens ({_maxOutput}) must be less than the context window ({window}).");
        }

        var client = factory.CreateClient(settings, connection, options => options.ContextWindowTokens = window);
        _client?.Dispose();
        _client = client;
        _connection = connection;
        _reducer = new TokenBudgetChatReducer(window - _maxOutput);
    }
}
