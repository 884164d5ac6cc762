using System.Collections.Concurrent;
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
/// result), plus 1 when it has an author name; the reply priming adds 3. Tool definitions in <see cref="ChatOptions.Tools"/>
/// are not counted.</para>
/// <para>The tokenizer is created once per encoding and shared: creating one loads a large vocabulary. Instances are
/// immutable and thread-safe.</para>
/// </remarks>
public sealed class TokenEstimator
{
    /// <summary>The encoding used when none is chosen: <c>o200k_base</c> (gpt-4o, o-series).</summary>
    public const string DefaultEncoding = "o200k_base";

    private const int TokensPerMessage = 3;
    private const int TokensPerName = 1;
    private const int ReplyPrimingTokens = 3;

    // Compact JSON, as tool-call arguments travel on the wire (AIJsonUtilities.DefaultOptions is indented).
    private static readonly JsonSerializerOptions CompactJson = new(AIJsonUtilities.DefaultOptions) { WriteIndented = false };

    private static readonly ConcurrentDictionary<string, Lazy<TokenEstimator>> ByEncoding = new(StringComparer.OrdinalIgnoreCase);

    private readonly Tokenizer _tokenizer;

    /// <summary>Initializes a new instance of the <see cref="TokenEstimator"/> class over an existing tokenizer.</summary>
    /// <param name="tokenizer">The tokenizer to count with; keep one instance per vocabulary and reuse it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="tokenizer"/> is <see langword="null"/>.</exception>
    public TokenEstimator(Tokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>Gets the shared estimator for <see cref="DefaultEncoding"/>, created on first use.</summary>
    public static TokenEstimator Default => ForEncoding(DefaultEncoding);

    /// <summary>Gets the shared estimator for a tiktoken encoding (<c>o200k_base</c>, <c>cl100k_base</c>, …), created once per encoding.</summary>
    /// <param name="encoding">The encoding name; its data package (e.g. Microsoft.ML.Tokenizers.Data.O200kBase) must be referenced.</param>
    /// <returns>The shared estimator.</returns>
    /// <exception cref="ArgumentException"><paramref name="encoding"/> is empty or unknown.</exception>
    public static TokenEstimator ForEncoding(string encoding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(encoding);
        var lazy = ByEncoding.GetOrAdd(encoding, static name => new Lazy<TokenEstimator>(
            () => new TokenEstimator(TiktokenTokenizer.CreateForEncoding(name)), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            ByEncoding.TryRemove(new KeyValuePair<string, Lazy<TokenEstimator>>(encoding, lazy));
            throw new ArgumentException($"Unknown or unavailable tokenizer encoding '{encoding}'.", nameof(encoding), ex);
        }
    }

    /// <summary>Counts the tokens of a text.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty counts 0.</param>
    /// <returns>The token count.</returns>
    public int CountTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : _tokenizer.CountTokens(text);

    /// <summary>Estimates the prompt tokens of <paramref name="messages"/> as sent to the service.</summary>
    /// <param name="messages">The messages of the request.</param>
    /// <returns>The estimated input token count.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="messages"/> is <see langword="null"/>.</exception>
    public int EstimatePromptTokens(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var total = ReplyPrimingTokens;
        foreach (var message in messages)
        {
            total += TokensPerMessage + CountTokens(message.Role.Value);
            if (!string.IsNullOrEmpty(message.AuthorName))
            {
                total += TokensPerName;
            }

            foreach (var content in message.Contents)
            {
                total += CountContent(content);
            }
        }

        return total;
    }

    /// <summary>Counts the tokens of one content item: text, reasoning text, a tool call's name and arguments, or a tool result.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The token count; 0 for content kinds that carry no text (images, usage, …).</returns>
    public int CountContent(AIContent? content) => content switch
    {
        TextContent text => CountTokens(text.Text),
        TextReasoningContent reasoning => CountTokens(reasoning.Text),
        FunctionCallContent call => CountTokens(call.Name) + CountTokens(SerializeArguments(call.Arguments)),
        FunctionResultContent result => CountTokens(SerializeResult(result.Result)),
        _ => 0,
    };

    internal static string? SerializeArguments(IDictionary<string, object?>? arguments) =>
        arguments is null || arguments.Count == 0 ? null : JsonSerializer.Serialize(arguments, CompactJson.GetTypeInfo(typeof(IDictionary<string, object?>)));

    internal static string? SerializeResult(object? result) => result switch
    {
        null => null,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        _ => JsonSerializer.Serialize(result, CompactJson.GetTypeInfo(result.GetType())),
    };
}
