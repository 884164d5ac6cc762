using System.Runtime.CompilerServices;
using Mai.Client.Errors;
using Microsoft.Extensions.AI;

namespace Mai.Client;

/// <summary>
/// The typed facade over the Mai pipeline: ask with a prompt or messages and get the answer apart from the reasoning, with
/// usage, timing and attempts; or stream typed updates. <see cref="ChatClient"/> hands out the composed
/// <see cref="IChatClient"/> for any M.E.AI consumer.
/// </summary>
/// <remarks>
/// To observe a call while it runs (attempts as they happen), attach your own <see cref="MaiCallContext"/> to the options with
/// <see cref="MaiCallContext.Attach"/>; otherwise the client attaches a fresh one per call.
/// The client is thread-safe and meant to be long-lived (one per application and configuration). Disposing it disposes the
/// pipeline it built; a client passed in by the caller is owned by the caller.
/// </remarks>
public sealed partial class MaiClient : IDisposable
{
    private readonly TimeProvider _time;
    private readonly bool _ownsPipeline;

    /// <summary>Initializes a client that calls the endpoint(s) in <paramref name="options"/>.</summary>
    /// <param name="options">Where to send calls and how; validated and copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MaiClient(MaiClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validated = options.ValidateAndCopy(requireEndpoint: true);
        _time = validated.TimeProvider;
        ChatClient = MaiPipeline.Build(validated);
        _ownsPipeline = true;
    }

    /// <summary>Initializes a client that composes the Mai layers over an existing <see cref="IChatClient"/>.</summary>
    /// <param name="innerClient">The client to send calls through (for example a transport you configured yourself); owned by the caller.</param>
    /// <param name="options">Pipeline options; endpoint settings are ignored. Validated and copied.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public MaiClient(IChatClient innerClient, MaiClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(innerClient);
        var validated = (options ?? new MaiClientOptions()).ValidateAndCopy(requireEndpoint: false);
        _time = validated.TimeProvider;
        ChatClient = MaiPipeline.Compose(innerClient, validated);
        _ownsPipeline = false;
    }

    /// <summary>Initializes the facade alone over a pipeline that is already composed; no layer is added.</summary>
    /// <param name="pipeline">The whole pipeline, which becomes <see cref="ChatClient"/>.</param>
    /// <param name="timeProvider">The clock for durations and time to first token.</param>
    /// <param name="ownsPipeline">Whether <see cref="Dispose"/> disposes <paramref name="pipeline"/>.</param>
    private MaiClient(IChatClient pipeline, TimeProvider timeProvider, bool ownsPipeline)
    {
        _time = timeProvider;
        ChatClient = pipeline;
        _ownsPipeline = ownsPipeline;
    }

    /// <summary>Creates the facade alone over a pipeline that is already composed (for example the Mai layers with your own M.E.AI middleware
    /// around them, built with <see cref="MaiChatClientBuilderExtensions.UseMaiPipeline"/>); no layer is added, so the facade's callers and the
    /// pipeline's other consumers go through exactly the same middleware.</summary>
    /// <param name="pipeline">The pipeline; it becomes <see cref="ChatClient"/> and stays owned by the caller.</param>
    /// <param name="timeProvider">The clock for durations and time to first token; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <returns>The facade.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pipeline"/> is <see langword="null"/>.</exception>
    public static MaiClient FromPipeline(IChatClient pipeline, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return new MaiClient(pipeline, timeProvider ?? TimeProvider.System, ownsPipeline: false);
    }

    /// <summary>Creates the facade over a pipeline it owns (the hosting registration, where the container disposes the facade).</summary>
    internal static MaiClient OwningPipeline(IChatClient pipeline, TimeProvider timeProvider) => new(pipeline, timeProvider, ownsPipeline: true);

    /// <summary>Gets the composed pipeline as an <see cref="IChatClient"/>, for any M.E.AI consumer.</summary>
    public IChatClient ChatClient { get; }

    /// <summary>Sends one prompt and returns the whole result.</summary>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="options">Per-call options (model, max output tokens, …); never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is null, empty or white space; nothing is sent.</exception>
    /// <exception cref="Azure.RequestFailedException">The service answered with an error (status, code and request id kept).</exception>
    public Task<MaiResult> AskAsync(string prompt, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        AskAsync([new ChatMessage(ChatRole.User, ValidatePrompt(prompt))], options, cancellationToken);

    /// <summary>Sends a conversation and returns the whole result.</summary>
    /// <param name="messages">The conversation; at least one message.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is null or empty; nothing is sent.</exception>
    /// <exception cref="Azure.RequestFailedException">The service answered with an error (status, code and request id kept).</exception>
    public async Task<MaiResult> AskAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = ValidateMessages(messages);
        var context = MaiCallContext.Get(options) ?? new MaiCallContext();
        var start = _time.GetTimestamp();
        var response = await ChatClient.GetResponseAsync(list, MaiCallContext.Attach(options, context), cancellationToken).ConfigureAwait(false);
        return new MaiResult(response, _time.GetElapsedTime(start), timeToFirstToken: null, context);
    }

    /// <summary>Sends one prompt asking for a <typeparamref name="T"/> (a JSON schema derived from the type is sent as the response
    /// format) and returns the answer deserialized.</summary>
    /// <typeparam name="T">The type of the answer.</typeparam>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result, with <see cref="MaiResult{T}.Value"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is null, empty or white space; nothing is sent.</exception>
    /// <exception cref="MaiStructuredOutputException">The answer is not valid JSON for <typeparamref name="T"/>; the raw text is kept.</exception>
    public Task<MaiResult<T>> AskAsync<T>(string prompt, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        AskAsync<T>([new ChatMessage(ChatRole.User, ValidatePrompt(prompt))], options, cancellationToken);

    /// <summary>Sends a conversation asking for a <typeparamref name="T"/> and returns the answer deserialized.</summary>
    /// <typeparam name="T">The type of the answer.</typeparam>
    /// <param name="messages">The conversation; at least one message.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The result, with <see cref="MaiResult{T}.Value"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is null or empty; nothing is sent.</exception>
    /// <exception cref="MaiStructuredOutputException">The answer is not valid JSON for <typeparamref name="T"/>; the raw text is kept.</exception>
    public async Task<MaiResult<T>> AskAsync<T>(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = ValidateMessages(messages);
        var context = MaiCallContext.Get(options) ?? new MaiCallContext();
        var start = _time.GetTimestamp();
        var response = await ChatClient.GetResponseAsync<T>(list, MaiCallContext.Attach(options, context), useJsonSchemaResponseFormat: true, cancellationToken).ConfigureAwait(false);
        var duration = _time.GetElapsedTime(start);
        if (response.TryGetResult(out var value))
        {
            return new MaiResult<T>(response, duration, context, value);
        }

        Exception? cause = null;
        try
        {
            _ = System.Text.Json.JsonSerializer.Deserialize<T>(response.Text, AIJsonUtilities.DefaultOptions);
        }
        catch (System.Text.Json.JsonException ex)
        {
            cause = ex;
        }

        throw new MaiStructuredOutputException(typeof(T), response.Text, new MaiResult(response, duration, null, context), cause);
    }

    /// <summary>Streams one prompt as typed updates; the last update is <see cref="MaiUpdateKind.Completed"/> with the whole result.</summary>
    /// <param name="prompt">The user prompt.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call, including a stalled read.</param>
    /// <returns>The updates.</returns>
    /// <exception cref="ArgumentException"><paramref name="prompt"/> is null, empty or white space; nothing is sent.</exception>
    public IAsyncEnumerable<MaiUpdate> StreamAsync(string prompt, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync([new ChatMessage(ChatRole.User, ValidatePrompt(prompt))], options, cancellationToken);

    /// <summary>Streams a conversation as typed updates; the last update is <see cref="MaiUpdateKind.Completed"/> with the whole result.</summary>
    /// <param name="messages">The conversation; at least one message.</param>
    /// <param name="options">Per-call options; never modified.</param>
    /// <param name="cancellationToken">Cancels the call, including a stalled read.</param>
    /// <returns>The updates.</returns>
    /// <exception cref="ArgumentException"><paramref name="messages"/> is null or empty; nothing is sent.</exception>
    public IAsyncEnumerable<MaiUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamCoreAsync(ValidateMessages(messages), options, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsPipeline)
        {
            ChatClient.Dispose();
        }
    }

    private async IAsyncEnumerable<MaiUpdate> StreamCoreAsync(List<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var context = MaiCallContext.Get(options) ?? new MaiCallContext();
        var start = _time.GetTimestamp();
        TimeSpan? firstToken = null;
        var builder = new StreamedResponseBuilder();
        await foreach (var update in ChatClient.GetStreamingResponseAsync(messages, MaiCallContext.Attach(options, context), cancellationToken).ConfigureAwait(false))
        {
            builder.Add(update);
            var contents = update.Contents;
            var count = contents.Count;
            for (var i = 0; i < count; i++)
            {
                MaiUpdate? typed = contents[i] switch
                {
                    TextReasoningContent { Text.Length: > 0 } r => MaiUpdate.ForReasoning(r.Text),
                    TextContent { Text.Length: > 0 } t => MaiUpdate.ForAnswer(t.Text),
                    FunctionCallContent call => MaiUpdate.ForToolCall(call),
                    _ => null,
                };
                if (typed is null)
                {
                    continue;
                }

                if (firstToken is null && typed.Kind is MaiUpdateKind.Reasoning or MaiUpdateKind.Answer)
                {
                    firstToken = _time.GetElapsedTime(start);
                }

                yield return typed;
            }
        }

        var response = builder.Build();
        var result = new MaiResult(response, _time.GetElapsedTime(start), firstToken, context);
        if (result.Usage is { } usage)
        {
            yield return MaiUpdate.ForUsage(usage);
        }

        yield return MaiUpdate.ForCompletion(result);
    }

    private static string ValidatePrompt(string prompt)
    {
        if (string.IsNullOrWhiteSpace(prompt))
        {
            throw new ArgumentException("The prompt must not be null, empty or white space.", nameof(prompt));
        }

        return prompt;
    }

    private static List<ChatMessage> ValidateMessages(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one message is required.", nameof(messages));
        }

        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"messages[{i}] is null.", nameof(messages));
            }
        }

        return list;
    }
}
