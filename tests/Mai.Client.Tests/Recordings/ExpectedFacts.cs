namespace Mai.Client.Tests.Recordings;

/// <summary>A tool call a recording contains.</summary>
public sealed record ExpectedCall(string Id, string Name, string Arguments);

/// <summary>
/// The facts one recorded exchange contains, written out by hand-checkable value. Long texts are given as
/// <c>start\0end</c> (the answer must start and end with those). Each non-null member is one fact; each tool call is one fact.
/// </summary>
public sealed record ExpectedExchange(string File, int Index, bool Streaming)
{
    public int? Status { get; init; }

    public string? Code { get; init; }

    public bool Completes { get; init; }

    public string? Text { get; init; }

    /// <summary>The content keeps an inline &lt;think&gt; block: the transport passes it through for the reasoning layer to split.</summary>
    public bool RawThink { get; init; }

    public string? Reasoning { get; init; }

    public ExpectedCall[] ToolCalls { get; init; } = [];

    public string? Finish { get; init; }

    public long? Input { get; init; }

    public long? Output { get; init; }

    public long? Total { get; init; }

    public long? ReasoningTokens { get; init; }

    public long? Cached { get; init; }

    public int FactCount =>
        (Status is null ? 0 : 1) + (Code is null ? 0 : 1) + (Completes ? 1 : 0) + (Text is null ? 0 : 1) + (RawThink ? 1 : 0) + (Reasoning is null ? 0 : 1)
        + ToolCalls.Length + (Finish is null ? 0 : 1) + (Input is null ? 0 : 1) + (Output is null ? 0 : 1) + (Total is null ? 0 : 1)
        + (ReasoningTokens is null ? 0 : 1) + (Cached is null ? 0 : 1);

    public override string ToString() => $"{File}#{Index}";
}

/// <summary>
/// What every recorded chat-completions exchange in ../shared/fixtures/recorded contains (44 exchanges, 270 facts). The values were
/// read out of the recordings by a separate script (Python json/yaml, not this code) and pasted here; they are the oracle.
/// </summary>
public static class ExpectedFacts
{
    public const int ExchangeCount = 44;

    public const int TotalFacts = 270;

    public static readonly ExpectedExchange[] All =
    [
        new("azure-sdk-assets-java-ai-inference/ChatCompletionsSyncClientTest.testGetChatCompletions[1].json", 0, false) { Status = 429, Code = "429" }, // 2 facts
        new("azure-sdk-assets-java-ai-inference/ChatCompletionsSyncClientTest.testGetChatCompletions[1].json", 1, false) { Completes = true, Text = "This is a test. How can I assist you further?", Finish = "stop", Input = 12, Output = 12, Total = 24 }, // 6 facts
        new("azure-sdk-assets-java-ai-inference/ChatCompletionsSyncClientTest.testGetCompletionsTokenCutoff[1].json", 0, false) { Completes = true, Text = "To provide you", Finish = "length", Input = 28, Output = 3, Total = 31 }, // 6 facts
        new("azure-sdk-assets-java-ai-inference/ChatCompletionsSyncClientTest.testGetCompletionsWithStructuredJSON[1].json", 0, false) { Completes = true, Text = "{\"ingredients\":[\"2 cups of all-purpose flour\",\"2 cups of sug\u000020 minutes\",\"bake_time\":\"30-35 minutes\"}", Finish = "stop", Input = 118, Output = 356, Total = 474, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("azure-sdk-for-net/TestBadChatResponse(Basic).json", 0, false) { Status = 400, Code = "unknown_model" }, // 2 facts
        new("azure-sdk-for-net/TestBadChatResponse(Streaming).json", 0, true) { Status = 400, Code = "unknown_model" }, // 2 facts
        new("azure-sdk-for-net/TestChatCompletions.json", 0, false) { Completes = true, Text = "There are 5,280 feet in a mile.", Finish = "stop", Input = 19, Output = 13, Total = 32 }, // 6 facts
        new("azure-sdk-for-net/TestChatCompletionsFunctionToolHandling(UseFunctionByExplicitToolDefinitionForToolChoice,GitHubGpt4o).json", 0, false) { Completes = true, Text = "", ToolCalls = [new("call_rqxGrNBwH4X2N3IzdlPHjM7D", "get_future_temperature", "{\"locationName\":\"Honolulu\",\"daysInAdvance\":3}")], Finish = "stop", Input = 119, Output = 13, Total = 132 }, // 7 facts
        new("azure-sdk-for-net/TestChatCompletionsFunctionToolHandling(UseFunctionByExplicitToolDefinitionForToolChoice,GitHubGpt4o).json", 1, false) { Completes = true, Text = "In Honolulu in 3 days, the temperature is anticipated to be \u0000your skin.\n\nEnjoy your time in Honolulu!", Finish = "stop", Input = 144, Output = 86, Total = 230 }, // 6 facts
        new("azure-sdk-for-net/TestChatCompletionsFunctionToolHandlingWithStreaming(UseAutoPresetToolChoice,MistralSmall).json", 0, true) { Completes = true, Text = "", ToolCalls = [new("fOLfXT6kg", "get_future_temperature", "{\"locationName\": \"Honolulu\", \"daysInAdvance\": 3}")], Finish = "tool_calls", Input = 143, Output = 36, Total = 179 }, // 7 facts
        new("azure-sdk-for-net/TestChatCompletionsFunctionToolHandlingWithStreaming(UseAutoPresetToolChoice,MistralSmall).json", 1, true) { Completes = true, Text = "Based on the anticipated future temperature in Honolulu for \u0000d a hat for protection. Enjoy your stay!", Finish = "stop", Input = 216, Output = 62, Total = 278 }, // 6 facts
        new("azure-sdk-for-net/TestStreamingChatCompletions.json", 0, true) { Completes = true, Text = "There are 5,280 feet in a mile.", Finish = "stop", Input = 19, Output = 13, Total = 32 }, // 6 facts
        new("mirascope/test_call_with_tools/azure_gpt_5_mini/stream.yaml", 0, true) { Completes = true, Text = "", ToolCalls = [new("call_sW8VWw62ulEJZncoV47LYS3V", "secret_retrieval_tool", "{\"password\": \"mellon\"}"), new("call_N470S9Is91iZvytxwx1JfTIp", "secret_retrieval_tool", "{\"password\": \"radiance\"}")], Finish = "tool_calls", Input = 159, Output = 127, Total = 286, ReasoningTokens = 64, Cached = 0 }, // 10 facts
        new("mirascope/test_call_with_tools/azure_gpt_5_mini/stream.yaml", 1, true) { Completes = true, Text = "mellon \u2192 Welcome to Moria!\nradiance \u2192 Life before Death", Finish = "stop", Input = 239, Output = 153, Total = 392, ReasoningTokens = 128, Cached = 0 }, // 8 facts
        new("mirascope/test_call_with_tools/azure_gpt_5_mini/sync.yaml", 0, false) { Completes = true, Text = "", ToolCalls = [new("call_Tgp6JLnMhRVW0REgUReznm7U", "secret_retrieval_tool", "{\"password\": \"mellon\"}"), new("call_ntB5vScyX7wYsoANSUcAhImj", "secret_retrieval_tool", "{\"password\": \"radiance\"}")], Finish = "tool_calls", Input = 159, Output = 191, Total = 350, ReasoningTokens = 128, Cached = 0 }, // 10 facts
        new("mirascope/test_call_with_tools/azure_gpt_5_mini/sync.yaml", 1, false) { Completes = true, Text = "mellon \u2192 \"Welcome to Moria!\"\nradiance \u2192 \"Life before Death\"", Finish = "stop", Input = 239, Output = 92, Total = 331, ReasoningTokens = 64, Cached = 0 }, // 8 facts
        new("mirascope/test_max_tokens/azure_gpt_5_mini/sync.yaml", 0, false) { Status = 400, Code = "unsupported_parameter" }, // 2 facts
        new("mirascope/test_refusal/azure-openai_completions_gpt_4o_mini/stream.yaml", 0, true) { Status = 400, Code = "content_filter" }, // 2 facts
        new("mirascope/test_refusal/azure-openai_completions_gpt_4o_mini/sync.yaml", 0, false) { Status = 400, Code = "content_filter" }, // 2 facts
        new("mirascope/test_refusal/azure_gpt_4o_mini/stream.yaml", 0, true) { Completes = true, Text = "{\"instructions\":\"I'm sorry, but I cannot provide instruction\u0000o provide information on those topics.\"}", Finish = "stop", Input = 64, Output = 61, Total = 125, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("openai-dotnet/AuthFailure.json", 0, false) { Status = 401, Code = "invalid_api_key" }, // 2 facts
        new("openai-dotnet/HelloWorldChat.json", 0, false) { Completes = true, Text = "Hello! How can I assist you today?", Finish = "stop", Input = 11, Output = 9, Total = 20, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("openai-dotnet/O3miniDeveloperMessagesWork.json", 0, false) { Completes = true, Text = "Making a cheesecake from scratch can vary in total time depe\u0000 to 6\u20138 hours or more.\n\nHope this helps!", Finish = "stop", Input = 42, Output = 308, Total = 350, ReasoningTokens = 64, Cached = 0 }, // 8 facts
        new("openai-dotnet/ParallelToolCalls.json", 0, false) { Completes = true, Text = "", ToolCalls = [new("call_SKQEHo7QVlJRoCtEzcrYZM9C", "get_weather_for_city", "{\"city_name\": \"Santiago\"}"), new("call_CkjljlLr7IebPc4hnvetfiZ8", "get_weather_for_city", "{\"city_name\": \"Karachi\"}")], Finish = "tool_calls", Input = 81, Output = 52, Total = 133, ReasoningTokens = 0, Cached = 0 }, // 10 facts
        new("openai-dotnet/ParallelToolCalls.json", 1, false) { Completes = true, Text = "The current weather is as follows:\n- Santiago: Rainy\n- Karachi: Sunny", Finish = "stop", Input = 151, Output = 18, Total = 169, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("openai-dotnet/ReasoningTokensWork.json", 0, false) { Completes = true, Text = "A review of popular media from the 1970s and 1980s shows tha\u0000 experimentation of the 1970s and 1980s.", Finish = "stop", Input = 34, Output = 863, Total = 897, ReasoningTokens = 128, Cached = 0 }, // 8 facts
        new("openai-dotnet/StreamingStructuredRefusalWorks.json", 0, true) { Completes = true, Text = "I'm sorry, I can't assist with that request.", Finish = "stop", Input = 26, Output = 10, Total = 36, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("openai-dotnet/StructuredOutputs(WithoutSchema,Strict,FailureExpected).json", 0, false) { Status = 400, Code = "invalid_function_parameters" }, // 2 facts
        new("pydantic-ai/test_azure_provider_call.yaml", 0, false) { Completes = true, Text = "The capital of France is **Paris**.", Finish = "stop", Input = 14, Output = 9, Total = 23, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("pydantic-ai/test_deepseek_model_thinking_part.yaml", 0, false) { Completes = true, Text = "Crossing the street safely involves careful observation and \u0000d stay alert until you've fully crossed.", Reasoning = "Okay, the user is asking how to cross the street. Let me thi\u0000eed to present it clearly and concisely.", Finish = "stop", Input = 12, Output = 789, Total = 801, ReasoningTokens = 415, Cached = 0 }, // 9 facts
        new("pydantic-ai/test_deepseek_model_thinking_stream.yaml", 0, true) { Completes = true, Text = "Hello there! \ud83d\ude0a How can I help you today?", Reasoning = "Hmm, the user just said \"Hello\". It's a simple greeting but \u0000not reply further - and that's okay too.", Finish = "stop", Input = 6, Output = 212, Total = 218, ReasoningTokens = 198, Cached = 0 }, // 9 facts
        new("pydantic-ai/test_groq_model_thinking_part.yaml", 0, false) { Completes = true, Text = "<think>\nOkay, so I want to make Uruguayan alfajores. I've he\u0000n alfajores with a cup of coffee or tea!", RawThink = true, Finish = "stop", Input = 21, Output = 1414, Total = 1435 }, // 7 facts
        new("pydantic-ai/test_groq_model_thinking_part.yaml", 1, false) { Completes = true, Text = "To create authentic Argentinian alfajores, follow these orga\u0000ns of this beloved South American treat.", Reasoning = "Alright, so I want to make Argentinian alfajores after succe\u0000 this traditional South American treat.\n", Finish = "stop", Input = 524, Output = 1590, Total = 2114 }, // 7 facts
        new("pydantic-ai/test_hf_model_thinking_part.yaml", 0, false) { Completes = true, Text = "<think>\nOkay, the user asked \"How do I cross the street?\" Hm\u0000igilant--every crossing is different! \ud83d\uded1\ud83d\udc5f", RawThink = true, Finish = "stop", Input = 10, Output = 995, Total = 1005, Cached = 0 }, // 8 facts
        new("pydantic-ai/test_hf_model_thinking_part.yaml", 1, false) { Completes = true, Text = "<think>\nOkay, the user is asking how to cross a river, drawi\u0000ing and caution--never underestimate it.", RawThink = true, Finish = "stop", Input = 32, Output = 1425, Total = 1457, Cached = 0 }, // 8 facts
        new("pydantic-ai/test_hf_model_thinking_part_iter.yaml", 0, true) { Completes = true, Text = "<think>\nOkay, the user asked \"How do I cross the street?\" Hm\u0000ps every time\u2014it could save your life! \ud83c\udf1f", RawThink = true, Finish = "stop", Input = 10, Output = 955, Total = 965, Cached = 0 }, // 8 facts
        new("pydantic-ai/test_openrouter_errors_raised.yaml", 0, false) { Status = 429, Code = "429" }, // 2 facts
        new("pydantic-ai/test_openrouter_errors_raised.yaml", 1, false) { Status = 429, Code = "429" }, // 2 facts
        new("pydantic-ai/test_openrouter_errors_raised.yaml", 2, false) { Status = 429, Code = "429" }, // 2 facts
        new("pydantic-ai/test_run_stream_sync_streams_real_model.yaml", 0, true) { Completes = true, Text = "", ToolCalls = [new("call_ZR5UUuTt3pf61kjwAJIYdVMj", "get_capital", "{\"country\":\"UK\"}")], Finish = "tool_calls", Input = 53, Output = 15, Total = 68, ReasoningTokens = 0, Cached = 0 }, // 9 facts
        new("pydantic-ai/test_run_stream_sync_streams_real_model.yaml", 1, true) { Completes = true, Text = "The capital of the UK is London.", Finish = "stop", Input = 78, Output = 9, Total = 87, ReasoningTokens = 0, Cached = 0 }, // 8 facts
        new("semantic-kernel/chat_completion_response.json", 0, false) { Completes = true, Text = "Test response", Finish = "stop", Input = 17, Output = 131, Total = 148 }, // 6 facts
        new("semantic-kernel/chat_completion_streaming_async_filter_response.txt", 0, true) { Completes = true, Text = "Kindness", Finish = "stop" }, // 3 facts
        new("semantic-kernel/chat_completion_streaming_response.txt", 0, true) { Completes = true, Text = "Test content", Finish = "stop", Input = 17, Output = 89, Total = 106 }, // 6 facts
    ];
}
