using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.Tokenizers;

namespace Mai.Client.Accounting;

/// <summary>
/// Estimates token counts with a real BPE tokenizer (Microsoft.ML.Tokenizers), used only where the service reported no usage
/// and for admission before a request is sent.
/// </summary>
/// <remarks>
/// <para>Prompt rule (the one the emulator counts with, after OpenAI's cookbook): each message costs 3 tokens plus the tokens
/// of its role (<c>user</c>, <c>system</c>, …) and of its content (text, each tool call's name and JSON arguments, each tool
/// result), plus 1 when it has an author name; the reply priming adds 3. With <see cref="ChatOptions"/>, each tool definition
/// adds 8 plus the tokens of its name, description and JSON schema, and a JSON-schema response format adds 8 plus the tokens of
/// its name and schema.</para>
/// <para>The vocabulary is loaded lazily, on the first count (or in the background after <see cref="WhenLoadedAsync"/>), never
/// when an estimator is obtained: a client that is never asked to estimate never loads one. Shared estimators are created once
/// per encoding.</para>
/// <para>Linear work: a run of more than <see cref="MaxRunLength"/> characters without whitespace (which a BPE pre-tokenizer
/// would hand to the merge loop as one word, at quadratic cost) is counted in pieces of that length, and long texts are counted
/// in segments between which cancellation is checked. Cutting a run can only add tokens (at most one per piece), so the count
/// stays an over-estimate where it is not exact; text whose words are shorter than the bound is counted exactly.</para>
/// <para>Instances are thread-safe.</para>
/// </remarks>
public sealed class TokenEstimator
{
    /// <summary>The encoding used when none is chosen: <c>o200k_base</c> (gpt-4o, o-series).</summary>
    public const string DefaultEncoding = "o200k_base";

    /// <summary>The longest run of non-whitespace characters handed to the tokenizer at once.</summary>
    internal const int MaxRunLength = 128;

    /// <summary>The length of text counted between two cancellation checks (cut only at a word boundary).</summary>
    internal const int MaxSegmentLength = 16 * 1024;

    /// <summary>Texts at least this long have their counts cached (by string instance: a conversation resends the same strings).</summary>
    private const int CachedTextLength = 256;

    /// <summary>How many distinct role names have their count remembered (system, user, assistant, tool, developer and a few more).</summary>
    private const int MaxCachedRoles = 16;

    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPrimingTokens = 3;
    private const int TokensPerDefinition = 8;
    private const string ConservativeEncoding = "cl100k_base";

    // Compact JSON, as tool-call arguments travel on the wire (AIJsonUtilities.DefaultOptions is indented).
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static readonly ConcurrentDictionary<string, TokenEstimator> ByEncoding = new(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<TokenEstimator> Conservative = new(
        () => new TokenEstimator(ForEncoding(ConservativeEncoding), numerator: 3, denominator: 2), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Lazy<Tokenizer> _tokenizer;
    private readonly TokenEstimator? _base;
    private readonly int _numerator = 1;
    private readonly int _denominator = 1;
    private readonly ConditionalWeakTable<string, StrongBox<int>> _cache = [];
    private readonly ConcurrentDictionary<string, int> _roleCounts = new(StringComparer.Ordinal);
    private Task? _loading;

    /// <summary>Initializes a new instance of the <see cref="TokenEstimator"/> class over an existing tokenizer.</summary>
    /// <param name="tokenizer">The tokenizer to count with; keep one instance per vocabulary and reuse it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public TokenEstimator(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = new Lazy<Tokenizer>(tokenizer);
    }

    /// <summary>Initializes an estimator whose tokenizer is created on first use (the factory runs at most once).</summary>
    internal TokenEstimator(Func<Tokenizer> factory)
    {
        _tokenizer = new Lazy<Tokenizer>(factory, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Initializes an estimator that scales <paramref name="baseEstimator"/>'s counts by numerator / denominator, rounded up.</summary>
    private TokenEstimator(TokenEstimator baseEstimator, int numerator, int denominator)
    {
        _base = baseEstimator;
        _tokenizer = baseEstimator._tokenizer;
        _numerator = numerator;
        _denominator = denominator;
    }

    /// <summary>Gets the shared estimator for <see cref="DefaultEncoding"/>; its vocabulary loads on the first count.</summary>
    public static TokenEstimator Default => ForEncoding(DefaultEncoding);

    /// <summary>Gets a value indicating whether the vocabulary has been loaded.</summary>
    internal bool IsLoaded => _tokenizer.IsValueCreated;

    /// <summary>Gets the shared estimator for a tiktoken encoding (<c>o200k_base</c>, <c>cl100k_base</c>, …), created once per encoding.</summary>
    /// <param name="encoding">The encoding name; its data package (e.g. Microsoft.ML.Tokenizers.Data.O200kBase) must be referenced.</param>
    /// <returns>The shared estimator. Its vocabulary loads on the first count.</returns>
    /// <exception cref="ArgumentException"><paramref name="encoding"/> is empty or not a tiktoken encoding this package ships.</exception>
    public static TokenEstimator ForEncoding(string encoding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(encoding);
        var name = encoding.ToLowerInvariant();
        if (name is not (DefaultEncoding or ConservativeEncoding))
        {
            throw new ArgumentException($"Unknown or unavailable tokenizer encoding '{encoding}' (available: {DefaultEncoding}, {ConservativeEncoding}).", nameof(encoding));
        }

        return ByEncoding.GetOrAdd(name, static n => new TokenEstimator(() => TiktokenTokenizer.CreateForEncoding(n)));
    }

    /// <summary>Gets the shared estimator for a model family.</summary>
    /// <param name="model">The model or deployment id, e.g. <c>gpt-4o-2024-11-20</c>; <see langword="null"/> when none is known, which gives <see cref="Default"/>.</param>
    /// <returns>
    /// <c>o200k_base</c> for gpt-4o, gpt-4.1, gpt-5 and the o-series; <c>cl100k_base</c> for gpt-4 and gpt-35-turbo (gpt-3.5); for
    /// every other model (MAI, DeepSeek, Mistral, Claude, …: no public tokenizer in this package) a conservative over-estimate:
    /// 1.5 × the cl100k_base count, rounded up. Those tokenizers have smaller or similar vocabularies than cl100k_base, which
    /// already counts more tokens than o200k_base for most non-English text, so the factor covers them with a margin.
    /// </returns>
    public static TokenEstimator ForModel(string? model) =>
        string.IsNullOrEmpty(model) ? Default : FamilyEncoding(model) is { } encoding ? ForEncoding(encoding) : Conservative.Value;

    /// <summary>Starts loading the vocabulary in the background (once) and returns the task that completes when it is loaded.</summary>
    /// <returns>A task that completes when the vocabulary is loaded, faulted if it cannot be.</returns>
    public Task WhenLoadedAsync()
    {
        if (_tokenizer.IsValueCreated)
        {
            return Task.CompletedTask;
        }

        var loading = Volatile.Read(ref _loading);
        if (loading is null)
        {
            var created = new Task(() => _ = _tokenizer.Value, TaskCreationOptions.LongRunning);
            loading = Interlocked.CompareExchange(ref _loading, created, null) ?? created;
            if (ReferenceEquals(loading, created))
            {
                created.Start(TaskScheduler.Default);
            }
        }

        return loading;
    }

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty counts 0.</param>
    /// <returns>The token count.</returns>
    public int CountTokens(string? text) => CountTokensCore(text, CancellationToken.None);

    /// <summary>Counts the tokens of a text, checking <paramref name="cancellationToken"/> between segments.</summary>
    internal int CountTokensCore(string? text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        if (_base is not null)
        {
            var counted = (long)_base.CountTokensCore(text, cancellationToken);
            return (int)Math.Min(int.MaxValue, ((counted * _numerator) + _denominator - 1) / _denominator);
        }

        if (text.Length < CachedTextLength)
        {
            return Count(text, cancellationToken);
        }

        if (_cache.TryGetValue(text, out var box))
        {
            return box.Value;
        }

        var count = Count(text, cancellationToken);
        _cache.AddOrUpdate(text, new StrongBox<int>(count));
        return count;
    }

    /// <summary>Estimates the prompt tokens of <paramref name="messages"/> as sent to the service. Reasoning in the history counts
    /// only where it is sent back: a message's thinking that carries a signature (Claude's); other reasoning is never sent.</summary>
    /// <param name="messages">The messages of the request.</param>
    /// <returns>The estimated input token count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public int EstimatePromptTokens(IEnumerable<ChatMessage> messages) => EstimatePromptTokensCore(messages, null, CancellationToken.None);

    /// <summary>Estimates the prompt tokens of a request: its messages, tool definitions and response-format schema.</summary>
    /// <param name="messages">The messages of the request.</param>
    /// <param name="options">The request's options (tools, response format); <see langword="null"/> for none.</param>
    /// <returns>The estimated input token count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public int EstimatePromptTokens(IEnumerable<ChatMessage> messages, ChatOptions? options) => EstimatePromptTokensCore(messages, options, CancellationToken.None);

    /// <summary>Like <see cref="EstimatePromptTokens(IEnumerable{ChatMessage}, ChatOptions?)"/>, checking <paramref name="cancellationToken"/> while it counts.</summary>
    internal int EstimatePromptTokensCore(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        long total = ReplyPrimingTokens;
        if (messages is IList<ChatMessage> list)
        {
            // Indexed: no boxed enumerator per estimate (a budget estimates every call's prompt).
            for (var m = 0; m < list.Count; m++)
            {
                total += CountMessage(list[m], cancellationToken);
            }
        }
        else
        {
            foreach (var message in messages)
            {
                total += CountMessage(message, cancellationToken);
            }
        }

        if (options?.Tools is { Count: > 0 } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                total += tools[i] is AIFunctionDeclaration function
                    ? TokensPerDefinition + CountTokensCore(function.Name, cancellationToken) + CountTokensCore(function.Description, cancellationToken)
                        + CountTokensCore(function.JsonSchema.GetRawText(), cancellationToken)
                    : TokensPerDefinition + CountTokensCore(tools[i].Name, cancellationToken) + CountTokensCore(tools[i].Description, cancellationToken);
            }
        }

        if (options?.ResponseFormat is ChatResponseFormatJson { Schema: { } schema } json)
        {
            total += TokensPerDefinition + CountTokensCore(json.SchemaName, cancellationToken) + CountTokensCore(json.SchemaDescription, cancellationToken)
                + CountTokensCore(schema.GetRawText(), cancellationToken);
        }

        return (int)Math.Min(int.MaxValue, total);
    }

    private long CountMessage(ChatMessage message, CancellationToken cancellationToken)
    {
        long total = TokensPerMessage + CountRole(message.Role.Value, cancellationToken);
        if (!string.IsNullOrEmpty(message.AuthorName))
        {
            total += TokensPerName;
        }

        var contents = message.Contents;
        bool? reasoningSentBack = null;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = contents[i];
            if (content is TextReasoningContent && !(reasoningSentBack ??= HasSignedReasoning(contents)))
            {
                continue; // never sent: the chat-completions writer drops reasoning, the Messages writer drops unsigned thinking
            }

            total += CountContent(content, cancellationToken);
        }

        return total;
    }

    /// <summary>Whether a message's reasoning goes back to the service: only signed thinking (Claude's, its signature in
    /// <see cref="TextReasoningContent.ProtectedData"/>, usually on the last item of a streamed run) is sent back, whole.</summary>
    private static bool HasSignedReasoning(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextReasoningContent { ProtectedData: { Length: > 0 } })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Counts a role name, remembering the count of the first few role names seen (the same handful on every message).</summary>
    private int CountRole(string role, CancellationToken cancellationToken)
    {
        if (_roleCounts.TryGetValue(role, out var count))
        {
            return count;
        }

        count = CountTokensCore(role, cancellationToken);
        if (_roleCounts.Count < MaxCachedRoles)
        {
            _roleCounts.TryAdd(role, count);
        }

        return count;
    }

    /// <summary>Counts the tokens of one content item: text, reasoning text, a tool call's name and arguments, or a tool result.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The token count; 0 for content kinds that carry no text (images, usage, …).</returns>
    public int CountContent(AIContent? content) => CountContent(content, CancellationToken.None);

    internal int CountContent(AIContent? content, CancellationToken cancellationToken) => content switch
    {
        TextContent text => CountTokensCore(text.Text, cancellationToken),
        TextReasoningContent reasoning => CountTokensCore(reasoning.Text, cancellationToken),
        FunctionCallContent call => CountTokensCore(call.Name, cancellationToken) + CountTokensCore(SerializeArguments(call.Arguments), cancellationToken),
        FunctionResultContent result => CountTokensCore(SerializeResult(result.Result), cancellationToken),
        _ => 0,
    };

    /// <summary>Splits <paramref name="text"/> into the segments counted one by one: each at most <see cref="MaxSegmentLength"/>
    /// (plus one run) long, cut at whitespace where possible, and no run without whitespace longer than <see cref="MaxRunLength"/>.</summary>
    internal static IEnumerable<(int Start, int Length)> Segments(string text)
    {
        var start = 0;
        while (start < text.Length)
        {
            var end = NextCut(text, start);
            yield return (start, end - start);
            start = end;
        }
    }

    internal static string? SerializeArguments(IDictionary<string, object?>? arguments) =>
        arguments is null || arguments.Count == 0 ? null : JsonSerializer.Serialize(arguments, CompactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));

    internal static string? SerializeResult(object? result) => result switch
    {
        null => null,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => JsonSerializer.Serialize(result, CompactJson.GetTypeInfo(result.GetType())),
    };

    /// <summary>The end of the segment that starts at <paramref name="start"/>: one linear scan, so the whole split is O(n).</summary>
    /// <remarks>Runs of whitespace are bounded like runs of other characters (a pre-tokenizer also keeps a whitespace run whole).</remarks>
    private static int NextCut(string text, int start)
    {
        var run = 0;
        var spaces = 0;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                // A word boundary ("x| y"): the pre-tokenizer splits here anyway, so the count is unchanged.
                if (run > 0 && i - start >= MaxSegmentLength)
                {
                    return i;
                }

                run = 0;
                if (++spaces > MaxRunLength)
                {
                    return i;
                }

                continue;
            }

            spaces = 0;
            if (++run > MaxRunLength)
            {
                // A long run without whitespace: cut it, never inside a surrogate pair.
                return char.IsLowSurrogate(c) ? i - 1 : i;
            }
        }

        return text.Length;
    }

    private static string? FamilyEncoding(string model)
    {
        var m = model.AsSpan();
        if (m.StartsWith("gpt-4o", StringComparison.OrdinalIgnoreCase) || m.StartsWith("gpt-4.1", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("gpt-4.5", StringComparison.OrdinalIgnoreCase) || m.StartsWith("gpt-5", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("gpt-oss", StringComparison.OrdinalIgnoreCase) || m.StartsWith("chatgpt-4o", StringComparison.OrdinalIgnoreCase)
            || (m.Length >= 2 && (m[0] is 'o' or 'O') && char.IsAsciiDigit(m[1])))
        {
            return DefaultEncoding;
        }

        if (m.StartsWith("gpt-4", StringComparison.OrdinalIgnoreCase) || m.StartsWith("gpt-35", StringComparison.OrdinalIgnoreCase)
            || m.StartsWith("gpt-3.5", StringComparison.OrdinalIgnoreCase))
        {
            return ConservativeEncoding;
        }

        return null;
    }

    private int Count(string text, CancellationToken cancellationToken)
    {
        var tokenizer = _tokenizer.Value;
        if (text.Length <= MaxRunLength)
        {
            return tokenizer.CountTokens(text);
        }

        var total = 0;
        var start = 0;
        while (start < text.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = NextCut(text, start);
            total += tokenizer.CountTokens(text.AsSpan(start, end - start));
            start = end;
        }

        return total;
    }
}
