using System.Globalization;

namespace Mai.Emulator;

/// <summary>One model the emulator serves: its name, wire quirks, verbosity and pacing.</summary>
/// <remarks>
/// Immutable; derive variants with <c>with</c>, e.g. <c>EmulatedModel.Gpt4o with { TokensPerSecond = 50 }</c>.
/// The emulator validates every model when it starts.
/// </remarks>
public sealed record EmulatedModel
{
    /// <summary>Gets the model name matched (case-insensitively) against the request's <c>model</c> or the deployment in the URL.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the provider reported by <c>GET /info</c> as <c>model_provider_name</c>.</summary>
    /// <value>The default is <c>Microsoft</c>.</value>
    public string ProviderName { get; init; } = "Microsoft";

    /// <summary>Gets where the model puts its reasoning.</summary>
    /// <value>The default is <see cref="ReasoningStyle.None"/>.</value>
    public ReasoningStyle Reasoning { get; init; } = ReasoningStyle.None;

    /// <summary>Gets where the model puts <c>usage</c> in streamed responses (non-streaming responses always carry it).</summary>
    /// <value>The default is <see cref="UsagePlacement.LastChunk"/>.</value>
    public UsagePlacement StreamUsage { get; init; } = UsagePlacement.LastChunk;

    /// <summary>Gets how streamed text is split into chunks.</summary>
    /// <value>The default is <see cref="StreamChunking.Word"/>.</value>
    public StreamChunking Chunking { get; init; } = StreamChunking.Word;

    /// <summary>Gets the approximate number of words in an answer (the model's verbosity).</summary>
    /// <value>The default is 60.</value>
    public int AnswerWords { get; init; } = 60;

    /// <summary>Gets the approximate number of words of reasoning, when <see cref="Reasoning"/> is not <see cref="ReasoningStyle.None"/>.</summary>
    /// <value>The default is 40.</value>
    public int ReasoningWords { get; init; } = 40;

    /// <summary>Gets the wait before the first generated token (streaming) or before the response (non-streaming).</summary>
    /// <value>The default is <see cref="TimeSpan.Zero"/> (no wait).</value>
    public TimeSpan TimeToFirstToken { get; init; } = TimeSpan.Zero;

    /// <summary>Gets the generation speed; each chunk waits its token count divided by this rate. 0 means instantaneous.</summary>
    /// <value>The default is 0 (no pacing).</value>
    public double TokensPerSecond { get; init; }

    /// <summary>Gets the context window; a request whose prompt tokens plus requested max tokens exceed it gets a 400 <c>context_length_exceeded</c>.</summary>
    /// <value>The default is 128000.</value>
    public int ContextWindow { get; init; } = 128_000;

    /// <summary>Gets how tool calls are streamed.</summary>
    /// <value>The default is <see cref="ToolCallStyle.OpenAI"/>.</value>
    public ToolCallStyle ToolCalls { get; init; } = ToolCallStyle.OpenAI;

    /// <summary>Gets a value indicating whether a tool call forced by <c>tool_choice</c> (a named function or <c>required</c>) finishes with <c>stop</c> instead of <c>tool_calls</c> (the gpt-4o quirk).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool ForcedToolCallFinishesWithStop { get; init; }

    /// <summary>Gets the probability (0 to 1) that the model calls a tool under <c>tool_choice: auto</c> when the prompt does not name one. Deterministic per request and seed.</summary>
    /// <value>The default is 0: under <c>auto</c> a tool is called only when the last user message mentions its name.</value>
    public double AutoToolCallProbability { get; init; }

    /// <summary>Gets how many rounds of tool calls the model makes in one turn (the requests after the last user message) before it
    /// answers from the tool results. <see cref="int.MaxValue"/> makes a model that never stops calling tools: a runaway agent loop,
    /// for testing budgets and iteration limits.</summary>
    /// <value>The default is 1: after a tool result the model answers.</value>
    public int ToolRounds { get; init; } = 1;

    /// <summary>Gets a value indicating whether a request carrying <c>stream_options</c> is rejected with 400, like endpoints that do not support it.</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool RejectStreamOptions { get; init; }

    /// <summary>Gets the wire protocol the model is served on: chat completions, or Anthropic's Messages API under <c>/anthropic/v1/messages</c>.</summary>
    /// <value>The default is <see cref="EmulatedApi.ChatCompletions"/>.</value>
    public EmulatedApi Api { get; init; } = EmulatedApi.ChatCompletions;

    /// <summary>Gets the default <c>max_tokens</c>-style output limit a Messages API model enforces: a request whose <c>max_tokens</c> exceeds it gets 400.</summary>
    /// <value>The default is 64000.</value>
    public int MaxOutputTokens { get; init; } = 64_000;

    /// <summary>Gets the deployment's tokens-per-minute quota (chat completions): over a sliding minute of six 10-second segments, a
    /// request whose prompt plus <c>max_tokens</c> (else its planned completion) does not fit what is left gets Azure's 429, with
    /// <c>Retry-After</c> / <c>retry-after-ms</c> saying when it would fit; an answered request counts its prompt plus completion tokens,
    /// and every answer carries <c>x-ratelimit-limit-tokens</c> and <c>x-ratelimit-remaining-tokens</c>.</summary>
    /// <value>The default is <see langword="null"/>: no quota.</value>
    public int? TokensPerMinute { get; init; }

    /// <summary>Gets the default reasoning model: <c>&lt;think&gt;</c> tags in content, usage on the last chunk.</summary>
    public static EmulatedModel MaiThinking1 { get; } = new()
    {
        Name = "MAI-Thinking-1",
        Reasoning = ReasoningStyle.ThinkTags,
        StreamUsage = UsagePlacement.LastChunk,
    };

    /// <summary>Gets a DeepSeek-R1 model: <c>reasoning_content</c> field, usage on the last chunk.</summary>
    public static EmulatedModel DeepSeekR1 { get; } = new()
    {
        Name = "DeepSeek-R1",
        ProviderName = "DeepSeek",
        Reasoning = ReasoningStyle.ReasoningContent,
        StreamUsage = UsagePlacement.LastChunk,
        ReasoningWords = 80,
    };

    /// <summary>Gets a gpt-4o model: no reasoning, separate <c>choices: []</c> usage chunk on request, forced tool calls finish with <c>stop</c>.</summary>
    public static EmulatedModel Gpt4o { get; } = new()
    {
        Name = "gpt-4o",
        ProviderName = "OpenAI",
        StreamUsage = UsagePlacement.SeparateChunk,
        Chunking = StreamChunking.Token,
        ForcedToolCallFinishesWithStop = true,
    };

    /// <summary>Gets an o-series style model: hidden reasoning reported only as <c>reasoning_tokens</c>, separate usage chunk.</summary>
    public static EmulatedModel O3Mini { get; } = new()
    {
        Name = "o3-mini",
        ProviderName = "OpenAI",
        Reasoning = ReasoningStyle.Hidden,
        StreamUsage = UsagePlacement.SeparateChunk,
        Chunking = StreamChunking.Token,
    };

    /// <summary>Gets a Mistral-small model: whole tool calls in one chunk without index or type, usage on the last chunk.</summary>
    public static EmulatedModel MistralSmall { get; } = new()
    {
        Name = "Mistral-small",
        ProviderName = "Mistral",
        StreamUsage = UsagePlacement.LastChunk,
        ToolCalls = ToolCallStyle.Mistral,
        ContextWindow = 32_000,
    };

    /// <summary>Gets Claude Opus 4.6 on the Messages API: thinking blocks with signatures when <c>thinking</c> is asked for, word-sized deltas.</summary>
    public static EmulatedModel ClaudeOpus46 { get; } = new()
    {
        Name = "claude-opus-4-6",
        ProviderName = "Anthropic",
        Api = EmulatedApi.AnthropicMessages,
        Reasoning = ReasoningStyle.ReasoningContent,
        ReasoningWords = 60,
        Chunking = StreamChunking.Word, // Claude's deltas carry a few tokens each
        ContextWindow = 200_000,
        MaxOutputTokens = 128_000,
    };

    /// <summary>Gets Claude Sonnet 4.6 on the Messages API.</summary>
    public static EmulatedModel ClaudeSonnet46 { get; } = ClaudeOpus46 with { Name = "claude-sonnet-4-6", MaxOutputTokens = 64_000 };

    /// <summary>Gets Claude Haiku 4.5 on the Messages API: terser, faster.</summary>
    public static EmulatedModel ClaudeHaiku45 { get; } = ClaudeOpus46 with { Name = "claude-haiku-4-5", AnswerWords = 40, ReasoningWords = 30, MaxOutputTokens = 64_000 };

    /// <summary>Gets the models served when none are configured: five on chat completions (<see cref="MaiThinking1"/> first) and three Claude models on the Messages API.</summary>
    public static IReadOnlyList<EmulatedModel> Defaults { get; } = [MaiThinking1, DeepSeekR1, Gpt4o, O3Mini, MistralSmall, ClaudeOpus46, ClaudeSonnet46, ClaudeHaiku45];

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("EmulatedModel.Name must not be empty.", nameof(Name));
        }

        Check(AnswerWords >= 1, nameof(AnswerWords), AnswerWords);
        Check(ReasoningWords >= 1, nameof(ReasoningWords), ReasoningWords);
        Check(TimeToFirstToken >= TimeSpan.Zero, nameof(TimeToFirstToken), TimeToFirstToken);
        Check(TokensPerSecond >= 0 && double.IsFinite(TokensPerSecond), nameof(TokensPerSecond), TokensPerSecond);
        Check(ContextWindow >= 1, nameof(ContextWindow), ContextWindow);
        Check(AutoToolCallProbability is >= 0 and <= 1, nameof(AutoToolCallProbability), AutoToolCallProbability);
        Check(ToolRounds >= 1, nameof(ToolRounds), ToolRounds);
        Check(Enum.IsDefined(Reasoning), nameof(Reasoning), Reasoning);
        Check(Enum.IsDefined(StreamUsage), nameof(StreamUsage), StreamUsage);
        Check(Enum.IsDefined(Chunking), nameof(Chunking), Chunking);
        Check(Enum.IsDefined(ToolCalls), nameof(ToolCalls), ToolCalls);
        Check(Enum.IsDefined(Api), nameof(Api), Api);
        Check(MaxOutputTokens >= 1, nameof(MaxOutputTokens), MaxOutputTokens);
        Check(TokensPerMinute is null or >= 1, nameof(TokensPerMinute), TokensPerMinute ?? 0);
    }

    private void Check(bool ok, string property, object value)
    {
        if (!ok)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"EmulatedModel '{Name}': {property} has an invalid value {value}."),
                property);
        }
    }
}
