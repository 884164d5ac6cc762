using Anthropic;
using Anthropic.Models.Messages;
using Azure;
using Mai.Client;
using Mai.Client.Transport;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using MeaiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Mai.Benchmarks;

/// <summary>
/// The Anthropic Messages API stream (<see cref="CannedResponses.BuildMessagesStream"/>, the same 1,000 words as the chat-completions
/// <see cref="Scenario.Stream"/>) read by the raw Anthropic SDK, by <see cref="AnthropicMessagesChatClient"/> alone, and by the
/// <see cref="MaiClient"/> facade over it. Same checksum as <see cref="Contenders"/>: characters + 1,000,000 × total tokens.
/// </summary>
public sealed class ClaudeContenders : IDisposable
{
    private static readonly Uri s_endpoint = new("http://127.0.0.1:5000/anthropic");

    private readonly List<HttpClient> _httpClients = [];
    private readonly AnthropicClient _sdk;
    private readonly MessageCreateParams _sdkParams;
    private readonly AnthropicMessagesChatClient _transport;
    private readonly MaiClient _maiClient;
    private readonly List<MeaiChatMessage> _messages =
        [new(MeaiChatRole.System, Contenders.SystemPrompt), new(MeaiChatRole.User, Contenders.UserPrompt)];

    public ClaudeContenders(int chunks = CannedResponses.StreamChunks)
    {
        Chunks = chunks;
        var bytes = chunks == CannedResponses.StreamChunks ? CannedResponses.MessagesStream : CannedResponses.BuildMessagesStream(chunks);
        _sdk = new AnthropicClient
        {
            BaseUrl = s_endpoint.ToString(),
            ApiKey = Contenders.ApiKey,
            MaxRetries = 0,
            HttpClient = NewHttp(bytes),
        };
        _sdkParams = new MessageCreateParams
        {
            Model = CannedResponses.ClaudeModel,
            MaxTokens = 4096,
            System = Contenders.SystemPrompt,
            Messages = [new UserMessageParam(Contenders.UserPrompt)],
        };
        _transport = new AnthropicMessagesChatClient(s_endpoint, new AzureKeyCredential(Contenders.ApiKey), new AnthropicMessagesChatClientOptions
        {
            DefaultModelId = CannedResponses.ClaudeModel,
            HttpClient = NewHttp(bytes),
        });
        _maiClient = new MaiClient(new MaiClientOptions
        {
            Endpoint = s_endpoint,
            Model = CannedResponses.ClaudeModel,
            ApiKey = Contenders.ApiKey,
            HttpClient = NewHttp(bytes),
        });
    }

    public int Chunks { get; }

    /// <summary>The checksum every contender must return.</summary>
    public long Expected => CannedResponses.TextLength(think: false, Chunks) + 1_019_000_000L;

    public IReadOnlyList<(string Name, Func<Task<long>> Call, long Expected)> Calls =>
    [
        ("AnthropicSdk", SdkStreamAsync, Expected),
        ("MaiClaudeTransport", TransportStreamAsync, Expected),
        ("MaiClaude", MaiClientStreamAsync, Expected),
    ];

    public async Task<long> SdkStreamAsync()
    {
        long text = 0, input = 0, output = 0;
        await foreach (var ev in _sdk.Messages.CreateStreaming(_sdkParams).ConfigureAwait(false))
        {
            if (ev.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickText(out var t))
                {
                    text += t.Text.Length;
                }
            }
            else if (ev.TryPickStart(out var start))
            {
                input = start.Message.Usage.InputTokens;
            }
            else if (ev.TryPickDelta(out var messageDelta))
            {
                output = messageDelta.Usage.OutputTokens;
            }
        }

        return text + (1_000_000L * (input + output));
    }

    public Task<long> TransportStreamAsync() => Contenders.ChecksumAsync(_transport.GetStreamingResponseAsync(_messages));

    public async Task<long> MaiClientStreamAsync()
    {
        long text = 0, total = 0;
        await foreach (var update in _maiClient.StreamAsync(_messages).ConfigureAwait(false))
        {
            switch (update.Kind)
            {
                case MaiUpdateKind.Answer:
                    text += update.Text.Length;
                    break;
                case MaiUpdateKind.Usage:
                    total = update.Usage?.TotalTokenCount ?? 0;
                    break;
            }
        }

        return text + (1_000_000L * total);
    }

    public void Check()
    {
        foreach (var (name, call, expected) in Calls)
        {
            var actual = call().GetAwaiter().GetResult();
            if (actual != expected)
            {
                throw new InvalidOperationException($"ClaudeStream/{name}: checksum {actual}, expected {expected}: the contender did not surface the whole response.");
            }
        }
    }

    private HttpClient NewHttp(byte[] bytes)
    {
        var http = new HttpClient(new CannedHandler(bytes, "text/event-stream"));
        _httpClients.Add(http);
        return http;
    }

    public void Dispose()
    {
        _maiClient.Dispose();
        _transport.Dispose();
        foreach (var http in _httpClients)
        {
            http.Dispose();
        }
    }
}
