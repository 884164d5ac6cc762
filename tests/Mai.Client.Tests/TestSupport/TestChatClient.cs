using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.TestSupport;

/// <summary>
/// The one hand-written inner client of the unit tests, driven by callbacks (as in M.E.AI's own tests): counts its calls and keeps
/// the options each call saw.
/// </summary>
internal sealed class TestChatClient : IChatClient
{
    private int _calls;

    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    public Func<IList<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The options of every call, in call order.</summary>
    public List<ChatOptions?> SeenOptions { get; } = [];

    public bool Disposed { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(options);
        return GetResponseAsyncCallback!([.. messages], options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Record(options);
        return GetStreamingResponseAsyncCallback!([.. messages], options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;

    private void Record(ChatOptions? options)
    {
        Interlocked.Increment(ref _calls);
        lock (SeenOptions)
        {
            SeenOptions.Add(options);
        }
    }

    /// <summary>A client whose n-th call (0-based) is answered by <paramref name="answer"/>.</summary>
    public static TestChatClient Answering(Func<int, ChatResponse> answer)
    {
        var client = new TestChatClient();
        client.GetResponseAsyncCallback = (_, _, _) =>
        {
            try
            {
                return Task.FromResult(answer(client.Calls - 1));
            }
            catch (Exception e)
            {
                return Task.FromException<ChatResponse>(e);
            }
        };
        return client;
    }

    public static ChatResponse Ok(string text = "done") => new(new ChatMessage(ChatRole.Assistant, text));

    /// <summary>Yields the given updates as a stream.</summary>
    public static IAsyncEnumerable<ChatResponseUpdate> Yield(IEnumerable<ChatResponseUpdate> updates, CancellationToken cancellationToken = default) =>
        Stream(updates, thenThrow: null, cancellationToken);

    /// <summary>Yields the given updates, then optionally throws (a stream cut mid-way).</summary>
    public static async IAsyncEnumerable<ChatResponseUpdate> Stream(
        IEnumerable<ChatResponseUpdate> updates,
        Exception? thenThrow = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
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
