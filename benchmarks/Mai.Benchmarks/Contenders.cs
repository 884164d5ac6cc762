using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.AI.Inference;
using Azure.Core.Pipeline;
using Mai.Client;
using Mai.Client.Accounting;
using Mai.Client.Reasoning;
using Mai.Client.Resilience;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using MeaiChatMessage = Microsoft.Extensions.AI.ChatMessage;
using MeaiChatRole = Microsoft.Extensions.AI.ChatRole;

namespace Mai.Benchmarks;

/// <summary>
/// Every contender, built over its own <see cref="CannedHandler"/> serving the same bytes. Each call returns a checksum of what the
/// caller received: characters of text + 10,000 × complete tool calls + 1,000,000 × total tokens, so that a contender that
/// silently parsed nothing cannot look fast.
/// </summary>
public sealed class Contenders : IDisposable
{
    public const string ApiKey = "bench-key-not-secret";
    public const string SystemPrompt = "You are a helpful assistant.";
    public const string UserPrompt = "Hello, how are you today?";
    private const string WeatherSchema = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\",\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"]}";
    private const string TimeSchema = "{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\"}},\"required\":[\"timezone\"]}";

    private static readonly Uri s_endpoint = new("http://127.0.0.1:5000/models");

    private readonly List<HttpClient> _httpClients = [];
    private readonly RawHttpFloor _floor;
    private readonly byte[] _floorBody;
    private readonly ChatCompletionsClient _azure;
    private readonly ChatCompletionsOptions _azureOptions;
    private readonly ChatClient _openAI;
    private readonly List<OpenAI.Chat.ChatMessage> _openAIMessages;
    private readonly ChatCompletionOptions _openAIOptions;
    private readonly AzureInferenceChatClient _transport;
    private readonly OpenAIV1ChatClient _openAITransport;
    private readonly MaiClient _maiClient;
    private readonly MaiClient _maiBudgeted;
    private readonly MaiClient _maiOpenAI;
    private readonly List<MeaiChatMessage> _messages;
    private readonly ChatOptions? _chatOptions;

    public Contenders(Scenario scenario)
        : this(scenario, CannedResponses.StreamChunks)
    {
    }

    /// <summary>Builds the contenders; streams have <paramref name="chunks"/> content chunks (the per-chunk probe compares two lengths).</summary>
    public Contenders(Scenario scenario, int chunks)
    {
        Scenario = scenario;
        Chunks = chunks;
        var (bytes, contentType) = scenario switch
        {
            Scenario.ShortAnswer => (CannedResponses.ShortAnswer, "application/json"),
            Scenario.ToolCalls => (CannedResponses.ToolCalls, "application/json"),
            Scenario.Stream => (chunks == CannedResponses.StreamChunks ? CannedResponses.Stream : CannedResponses.BuildStream(think: false, chunks), "text/event-stream"),
            _ => (chunks == CannedResponses.StreamChunks ? CannedResponses.ThinkStream : CannedResponses.BuildStream(think: true, chunks), "text/event-stream"),
        };
        var model = scenario == Scenario.ThinkStream ? CannedResponses.ReasoningModel : "gpt-4o";
        var tools = scenario == Scenario.ToolCalls;
        var stream = IsStreaming;

        // 1. The floor: pre-built body bytes.
        _floorBody = Encoding.UTF8.GetBytes(
            "{\"messages\":[{\"role\":\"system\",\"content\":\"" + SystemPrompt + "\"},{\"role\":\"user\",\"content\":\"" + UserPrompt + "\"}]"
            + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : string.Empty)
            + ",\"model\":\"" + model + "\""
            + (tools ? ",\"tools\":[" + ToolJson("get_weather", "Get the current weather in a city", WeatherSchema) + "," + ToolJson("get_time", "Get the local time in a time zone", TimeSchema) + "]" : string.Empty)
            + "}");
        _floor = new RawHttpFloor(NewHttp(bytes, contentType), new Uri(s_endpoint + "/chat/completions?api-version=2024-05-01-preview"), ApiKey);

        // 2. Raw Azure.AI.Inference, Azure.Core retries off.
        var azureOptions = new AzureAIInferenceClientOptions { Transport = new HttpClientTransport(NewHttp(bytes, contentType)) };
        azureOptions.Retry.MaxRetries = 0;
        _azure = new ChatCompletionsClient(s_endpoint, new AzureKeyCredential(ApiKey), azureOptions);
        _azureOptions = new ChatCompletionsOptions
        {
            Messages = { new ChatRequestSystemMessage(SystemPrompt), new ChatRequestUserMessage(UserPrompt) },
            Model = model,
        };
        if (tools)
        {
            _azureOptions.Tools.Add(new ChatCompletionsToolDefinition(new FunctionDefinition("get_weather") { Description = "Get the current weather in a city", Parameters = BinaryData.FromString(WeatherSchema) }));
            _azureOptions.Tools.Add(new ChatCompletionsToolDefinition(new FunctionDefinition("get_time") { Description = "Get the local time in a time zone", Parameters = BinaryData.FromString(TimeSchema) }));
        }

        // 3. Raw OpenAI SDK, retries off.
        _openAI = new ChatClient(model, new ApiKeyCredential(ApiKey), new OpenAIClientOptions
        {
            Endpoint = s_endpoint,
            Transport = new HttpClientPipelineTransport(NewHttp(bytes, contentType)),
            RetryPolicy = new ClientRetryPolicy(0),
        });
        _openAIMessages = [new SystemChatMessage(SystemPrompt), new UserChatMessage(UserPrompt)];
        _openAIOptions = new ChatCompletionOptions();
        if (tools)
        {
            _openAIOptions.Tools.Add(ChatTool.CreateFunctionTool("get_weather", "Get the current weather in a city", BinaryData.FromString(WeatherSchema)));
            _openAIOptions.Tools.Add(ChatTool.CreateFunctionTool("get_time", "Get the local time in a time zone", BinaryData.FromString(TimeSchema)));
        }

        // 4. The Mai transport alone.
        _transport = new AzureInferenceChatClient(s_endpoint, new AzureKeyCredential(ApiKey), new AzureInferenceChatClientOptions
        {
            DefaultModelId = model,
            HttpClient = NewHttp(bytes, contentType),
        });
        _openAITransport = new OpenAIV1ChatClient(s_endpoint, new System.ClientModel.ApiKeyCredential(ApiKey), new OpenAIV1ChatClientOptions
        {
            DefaultModelId = model,
            HttpClient = NewHttp(bytes, contentType),
        });
        _messages = [new MeaiChatMessage(MeaiChatRole.System, SystemPrompt), new MeaiChatMessage(MeaiChatRole.User, UserPrompt)];
        if (tools)
        {
            _chatOptions = new ChatOptions
            {
                Tools =
                [
                    AIFunctionFactory.CreateDeclaration("get_weather", "Get the current weather in a city", JsonDocument.Parse(WeatherSchema).RootElement),
                    AIFunctionFactory.CreateDeclaration("get_time", "Get the local time in a time zone", JsonDocument.Parse(TimeSchema).RootElement),
                ],
            };
        }

        // 5. The MaiClient facade with the layers MaiPipeline composes today.
        _maiClient = new MaiClient(new MaiClientOptions
        {
            Endpoint = s_endpoint,
            Model = model,
            ApiKey = ApiKey,
            HttpClient = NewHttp(bytes, contentType),
        });

        // 6. The same facade with a daily token budget, so every layer runs: budgets → resilience → metering → reasoning → transport.
        var budgeted = new MaiClientOptions
        {
            Endpoint = s_endpoint,
            Model = model,
            ApiKey = ApiKey,
            HttpClient = NewHttp(bytes, contentType),
        };
        budgeted.Budgets.Add(new BudgetLimit { Name = "daily", Window = BudgetWindow.Day, MaxTokens = long.MaxValue / 4 });
        _maiBudgeted = new MaiClient(budgeted);

        // 7. The facade with defaults over the OpenAI v1 transport (Transport = OpenAIV1).
        _maiOpenAI = new MaiClient(new MaiClientOptions
        {
            Endpoint = s_endpoint,
            Model = model,
            ApiKey = ApiKey,
            HttpClient = NewHttp(bytes, contentType),
            Transport = MaiTransport.OpenAIV1,
        });

        // The layer ladder: the IChatClient stack grown one public layer at a time, to attribute the cost to each layer.
        IChatClient NewTransport() => new AzureInferenceChatClient(s_endpoint, new AzureKeyCredential(ApiKey), new AzureInferenceChatClientOptions
        {
            DefaultModelId = model,
            HttpClient = NewHttp(bytes, contentType),
        });
        Ladder =
        [
            ("+Reasoning", new ChatClientBuilder(NewTransport()).UseMaiReasoning().Build()),
            ("+Metering", new ChatClientBuilder(NewTransport()).UseMaiMetering("bench", model, o => o.Endpoint = s_endpoint).UseMaiReasoning().Build()),
            ("+Resilience", new ChatClientBuilder(NewTransport()).UseMaiResilience().UseMaiMetering("bench", model, o => o.Endpoint = s_endpoint).UseMaiReasoning().Build()),
            ("+Budgets", new ChatClientBuilder(NewTransport())
                .UseMaiBudgets(o =>
                {
                    o.ModelId = model;
                    o.Limits.Add(new BudgetLimit { Name = "daily", Window = BudgetWindow.Day, MaxTokens = long.MaxValue / 4 });
                })
                .UseMaiResilience()
                .UseMaiMetering("bench", model, o => o.Endpoint = s_endpoint)
                .UseMaiReasoning()
                .Build()),
        ];
    }

    public Scenario Scenario { get; }

    /// <summary>Gets the number of content chunks of the streaming scenarios.</summary>
    public int Chunks { get; }

    /// <summary>The transport with the pipeline's layers added one at a time (inner to outer), as plain <see cref="IChatClient"/>s.</summary>
    public IReadOnlyList<(string Name, IChatClient Client)> Ladder { get; }

    public Task<long> LadderCallAsync(IChatClient client) => IsStreaming
        ? ChecksumAsync(client.GetStreamingResponseAsync(_messages, _chatOptions))
        : LadderCompleteAsync(client);

    private async Task<long> LadderCompleteAsync(IChatClient client) =>
        Checksum(await client.GetResponseAsync(_messages, _chatOptions).ConfigureAwait(false));

    public bool IsStreaming => Scenario is Scenario.Stream or Scenario.ThinkStream;

    /// <summary>The checksum every raw contender must return (tags count as text).</summary>
    public long ExpectedRaw => Scenario switch
    {
        Scenario.ShortAnswer => CannedResponses.ShortAnswerText.Length + 37_000_000L,
        Scenario.ToolCalls => 20_000 + 133_000_000L,
        Scenario.Stream => CannedResponses.TextLength(think: false, Chunks) + 1_019_000_000L,
        _ => CannedResponses.TextLength(think: true, Chunks) + 1_019_000_000L,
    };

    /// <summary>
    /// The checksum of a contender that splits reasoning: the 15 characters of <c>&lt;think&gt;&lt;/think&gt;</c> are gone, and so is
    /// the space that opens the first reasoning chunk (the splitter drops white space right after a tag).
    /// </summary>
    public long ExpectedSplit => Scenario == Scenario.ThinkStream ? ExpectedRaw - 16 : ExpectedRaw;

    private static string ToolJson(string name, string description, string schema) =>
        "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"parameters\":" + schema + "}}";

    private HttpClient NewHttp(byte[] bytes, string contentType)
    {
        var http = new HttpClient(new CannedHandler(bytes, contentType));
        _httpClients.Add(http);
        return http;
    }

    // ---------------- non-streaming ----------------

    public async Task<long> FloorCompleteAsync()
    {
        var c = await _floor.CompleteAsync(_floorBody).ConfigureAwait(false);
        return (c.Text?.Length ?? 0) + (10_000L * c.ToolCalls) + (1_000_000L * c.TotalTokens);
    }

    public async Task<long> AzureCompleteAsync()
    {
        var response = await _azure.CompleteAsync(_azureOptions).ConfigureAwait(false);
        var c = response.Value;
        long calls = 0;
        foreach (var call in c.ToolCalls)
        {
            if (call.Id is not null && call.Function.Name is not null && call.Function.Arguments is not null)
            {
                calls++;
            }
        }

        return (c.Content?.Length ?? 0) + (10_000L * calls) + (1_000_000L * (c.Usage?.TotalTokens ?? 0));
    }

    public async Task<long> OpenAICompleteAsync()
    {
        ChatCompletion c = await _openAI.CompleteChatAsync(_openAIMessages, _openAIOptions).ConfigureAwait(false);
        long text = 0;
        foreach (var part in c.Content)
        {
            text += part.Text?.Length ?? 0;
        }

        long calls = 0;
        foreach (var call in c.ToolCalls)
        {
            if (call.Id is not null && call.FunctionName is not null && call.FunctionArguments is not null)
            {
                calls++;
            }
        }

        return text + (10_000L * calls) + (1_000_000L * (c.Usage?.TotalTokenCount ?? 0));
    }

    public async Task<long> TransportCompleteAsync() =>
        Checksum(await _transport.GetResponseAsync(_messages, _chatOptions).ConfigureAwait(false));

    public Task<long> MaiClientCompleteAsync() => AskAsync(_maiClient);

    public Task<long> MaiBudgetedCompleteAsync() => AskAsync(_maiBudgeted);

    public Task<long> MaiOpenAICompleteAsync() => AskAsync(_maiOpenAI);

    // ---------------- streaming ----------------

    public async Task<long> FloorStreamAsync()
    {
        long text = 0, total = 0;
        await foreach (var delta in _floor.StreamAsync(_floorBody).ConfigureAwait(false))
        {
            text += delta.Text?.Length ?? 0;
            if (delta.TotalTokens > 0)
            {
                total = delta.TotalTokens;
            }
        }

        return text + (1_000_000L * total);
    }

    public async Task<long> AzureStreamAsync()
    {
        long text = 0, total = 0;
        using var response = await _azure.CompleteStreamingAsync(_azureOptions).ConfigureAwait(false);
        await foreach (var update in response.ConfigureAwait(false))
        {
            text += update.ContentUpdate?.Length ?? 0;
            if (update.Usage is { } usage)
            {
                total = usage.TotalTokens;
            }
        }

        return text + (1_000_000L * total);
    }

    public async Task<long> OpenAIStreamAsync()
    {
        long text = 0, total = 0;
        await foreach (var update in _openAI.CompleteChatStreamingAsync(_openAIMessages, _openAIOptions).ConfigureAwait(false))
        {
            foreach (var part in update.ContentUpdate)
            {
                text += part.Text?.Length ?? 0;
            }

            if (update.Usage is { } usage)
            {
                total = usage.TotalTokenCount;
            }
        }

        return text + (1_000_000L * total);
    }

    public Task<long> TransportStreamAsync() => ChecksumAsync(_transport.GetStreamingResponseAsync(_messages, _chatOptions));

    public Task<long> OpenAITransportStreamAsync() => ChecksumAsync(_openAITransport.GetStreamingResponseAsync(_messages, _chatOptions));

    public Task<long> MaiClientStreamAsync() => MaiStreamAsync(_maiClient);

    public Task<long> MaiBudgetedStreamAsync() => MaiStreamAsync(_maiBudgeted);

    public Task<long> MaiOpenAIStreamAsync() => MaiStreamAsync(_maiOpenAI);

    internal async Task<long> AskAsync(MaiClient client)
    {
        var result = await client.AskAsync(_messages, _chatOptions).ConfigureAwait(false);
        return result.Answer.Length + (result.Reasoning?.Length ?? 0) + (10_000L * result.ToolCalls.Count) + (1_000_000L * (result.Usage?.TotalTokenCount ?? 0));
    }

    internal async Task<long> MaiStreamAsync(MaiClient client)
    {
        long text = 0, total = 0;
        await foreach (var update in client.StreamAsync(_messages, _chatOptions).ConfigureAwait(false))
        {
            switch (update.Kind)
            {
                case MaiUpdateKind.Answer:
                case MaiUpdateKind.Reasoning:
                    text += update.Text.Length;
                    break;
                case MaiUpdateKind.Usage:
                    total = update.Usage?.TotalTokenCount ?? 0;
                    break;
            }
        }

        return text + (1_000_000L * total);
    }

    private static long Checksum(ChatResponse response)
    {
        long text = 0, calls = 0;
        var messages = response.Messages;
        for (var m = 0; m < messages.Count; m++)
        {
            var contents = messages[m].Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextContent t:
                        text += t.Text.Length;
                        break;
                    case TextReasoningContent r:
                        text += r.Text.Length;
                        break;
                    case FunctionCallContent f when f.Arguments is not null:
                        calls++;
                        break;
                }
            }
        }

        return text + (10_000L * calls) + (1_000_000L * (response.Usage?.TotalTokenCount ?? 0));
    }

    internal static async Task<long> ChecksumAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        long text = 0, total = 0;
        await foreach (var update in updates.ConfigureAwait(false))
        {
            var contents = update.Contents;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case TextContent t:
                        text += t.Text.Length;
                        break;
                    case TextReasoningContent r:
                        text += r.Text.Length;
                        break;
                    case UsageContent u:
                        total = u.Details.TotalTokenCount ?? 0;
                        break;
                }
            }
        }

        return text + (1_000_000L * total);
    }

    public void Dispose()
    {
        _maiClient.Dispose();
        _maiBudgeted.Dispose();
        _maiOpenAI.Dispose();
        foreach (var (_, client) in Ladder)
        {
            client.Dispose();
        }

        _transport.Dispose();
        _openAITransport.Dispose();
        foreach (var http in _httpClients)
        {
            http.Dispose();
        }
    }
}
