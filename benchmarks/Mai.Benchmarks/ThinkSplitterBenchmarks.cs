using System.Text;
using BenchmarkDotNet.Attributes;
using Mai.Client.Reasoning;
using Microsoft.Extensions.AI;

namespace Mai.Benchmarks;

/// <summary>
/// The <c>&lt;think&gt;</c> splitter (through <see cref="ReasoningChatClient"/>) on adversarial answers a server can send:
/// text full of <c>&lt;</c> after a <c>&lt;think&gt;</c>, as one response and as a stream of 64-character chunks, at 1 MB
/// and 10 MB. Linear work means the 10 MB case costs about ten times the 1 MB case (issue 12, item 14).
/// </summary>
[MemoryDiagnoser]
public class ThinkSplitterBenchmarks
{
    private ReasoningChatClient _whole = null!;
    private ReasoningChatClient _streamed = null!;

    [Params(1_000_000, 10_000_000)]
    public int Characters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var text = Adversarial(Characters);
        _whole = new ReasoningChatClient(new FixedClient(text));
        _streamed = new ReasoningChatClient(new FixedClient(text, chunk: 64));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _whole.Dispose();
        _streamed.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<long> WholeResponse()
    {
        var response = await _whole.GetResponseAsync("hi").ConfigureAwait(false);
        return response.Text.Length;
    }

    [Benchmark]
    public async Task<long> Stream()
    {
        long length = 0;
        await foreach (var update in _streamed.GetStreamingResponseAsync("hi").ConfigureAwait(false))
        {
            length += update.Text.Length;
        }

        return length;
    }

    /// <summary>An HTML-like answer with a think block: '&lt;' everywhere, tag prefixes that never complete.</summary>
    internal static string Adversarial(int characters)
    {
        var sb = new StringBuilder(characters + 64);
        sb.Append("<think>");
        while (sb.Length < characters / 2)
        {
            sb.Append("<<</thin<p<");
        }

        sb.Append("</think>");
        while (sb.Length < characters)
        {
            sb.Append("<a<b<<thi<<think<");
        }

        return sb.ToString();
    }

    private sealed class FixedClient(string text, int chunk = 0) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));

        public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
            IEnumerable<ChatMessage> messages, ChatOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await Task.CompletedTask.ConfigureAwait(false);
            for (var i = 0; i < text.Length; i += chunk)
            {
                yield return new ChatResponseUpdate(ChatRole.Assistant, text.Substring(i, Math.Min(chunk, text.Length - i)));
            }
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
