using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.TestSupport;

/// <summary>A hand-written inner client driven by callbacks (as in M.E.AI's own tests); counts its calls.</summary>
internal sealed class TestChatClient : IChatClient
{
    private int _calls;

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, Task<ChatResponse>>? GetResponseAsyncCallback { get; set; }

    public Func<IEnumerable<ChatMessage>, ChatOptions?, CancellationToken, IAsyncEnumerable<ChatResponseUpdate>>? GetStreamingResponseAsyncCallback { get; set; }

    public int Calls => Volatile.Read(ref _calls);

    public bool Disposed { get; private set; }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return GetResponseAsyncCallback!(messages, options, cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _calls);
        return GetStreamingResponseAsyncCallback!(messages, options, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() => Disposed = true;

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
    public static async IAsyncEnumerable<ChatResponseUpdate> Yield(IEnumerable<ChatResponseUpdate> updates, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in updates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return update;
        }
    }
}
