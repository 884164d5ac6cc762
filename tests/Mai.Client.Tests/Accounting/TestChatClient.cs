using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Accounting;

/// <summary>A hand-written, callback-based inner client (the M.E.AI TestChatClient pattern).</summary>
internal sealed class TestChatClient : IChatClient
{
    private int _callCount;

    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? OnGetResponse { get; set; }

    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? OnGetStreamingResponse { get; set; }

    public int CallCount => Volatile.Read(ref _callCount);

    public List<ChatOptions?> SeenOptions { get; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _callCount);
        lock (SeenOptions)
        {
            SeenOptions.Add(options);
        }

        return OnGetResponse!([.. messages], options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _callCount);
        lock (SeenOptions)
        {
            SeenOptions.Add(options);
        }

        return OnGetStreamingResponse!([.. messages], options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }

    /// <summary>Yields the given text chunks, then optionally throws (a stream cut mid-way).</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Stream(
        IEnumerable<ChatResponseUpdate> updates,
        Exception? thenThrow = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return update;
        }

        if (thenThrow is not null)
        {
            throw thenThrow;
        }
    }

    public static ChatResponseUpdate Text(string text, string responseId = "resp-1", string model = "gpt-4o-2024-11-20") =>
        new(ChatRole.Assistant, text) { ResponseId = responseId, MessageId = "msg-1", ModelId = model };

    public static ChatResponseUpdate Usage(long input, long output, long? cached = null, long? reasoning = null) =>
        new() { ResponseId = "resp-1", Contents = [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output, CachedInputTokenCount = cached, ReasoningTokenCount = reasoning })] };
}
