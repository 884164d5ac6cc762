using System.Text.Json;
using Mai.Client.Transport;
using Microsoft.Extensions.AI;
using static Mai.Client.Tests.Transport.TransportTestKit;

namespace Mai.Client.Tests.Transport;

/// <summary>Request writing every transport must share (one body writer, one set of rules); run once per transport by the derived classes.</summary>
public abstract class ChatTransportRequestTests(TransportUnderTest transport)
{
    private static readonly JsonElement s_weatherSchema = JsonDocument.Parse(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement;

    private IChatClient NewClient(LoopbackServer server, TransportSettings? settings = null) => transport.Create(server, settings);

    [Fact]
    public async Task GetResponseAsync_EveryOption_WritesTheSdkFieldOrderExactly()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        List<ChatMessage> messages =
        [
            new(new ChatRole("developer"), "dev instructions"),
            new(ChatRole.System, "sys"),
            new(ChatRole.User, [new TextContent("look at"), new UriContent("https://example.com/a.png", "image/png"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]),
            new(ChatRole.Assistant, [new TextReasoningContent("secret thoughts"), new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", new { temp = 20 })]),
            new(ChatRole.Assistant, "plain assistant text"),
        ];
        var options = new ChatOptions
        {
            MaxOutputTokens = 256, Temperature = 0.2f, TopP = 0.9f, StopSequences = ["END"], PresencePenalty = 0.3f, FrequencyPenalty = 0.1f,
            Seed = 42, ModelId = "MAI-Thinking-1", ResponseFormat = ChatResponseFormat.Json, ToolMode = ChatToolMode.Auto,
            Tools = [AIFunctionFactory.CreateDeclaration("get_weather", "Get weather", s_weatherSchema)],
            AdditionalProperties = new() { ["top_k_custom"] = 5, ["mai.call"] = new MaiCallContext() },
        };

        await client.GetResponseAsync(messages, options, Guard());

        const string expected = """{"messages":[{"role":"developer","content":"dev instructions"},{"role":"system","content":"sys"},{"role":"user","content":[{"type":"text","text":"look at"},{"type":"image_url","image_url":{"url":"https://example.com/a.png"}},{"type":"image_url","image_url":{"url":"data:image/png;base64,AQID"}}]},{"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","content":"{\"temp\":20}","tool_call_id":"call_1"},{"role":"assistant","content":"plain assistant text"}],"max_tokens":256,"temperature":0.2,"top_p":0.9,"stop":["END"],"presence_penalty":0.3,"frequency_penalty":0.1,"seed":42,"model":"MAI-Thinking-1","response_format":{"type":"json_object"},"tools":[{"type":"function","function":{"name":"get_weather","description":"Get weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":"auto","top_k_custom":5}""";
        Assert.Equal(expected, server.Requests.Single().Body);
        Assert.Equal(transport.ChatTarget, server.Requests.Single().Target);
        Assert.Equal(transport.PassThroughHeader, server.Requests.Single().Header("extra-parameters"));
        Assert.DoesNotContain("secret thoughts", server.Requests.Single().Body);
        Assert.DoesNotContain("mai.", server.Requests.Single().Body);
    }

    [Fact]
    public async Task GetResponseAsync_SameOptionsTwice_SendsEqualBodiesAndLeavesOptionsUnchanged()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server, new TransportSettings { DefaultModelId = "default-model" });
        var options = new ChatOptions { Temperature = 0.5f, AdditionalProperties = new() { ["reasoning_mode"] = "x" } };
        var before = JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions);

        await client.GetResponseAsync(Hello(), options, Guard());
        var streamed = await CollectAsync(client.GetStreamingResponseAsync(Hello(), options, Guard()));
        await client.GetResponseAsync(Hello(), options, Guard());

        Assert.Equal("Hi there", streamed.ToChatResponse().Text); // a server that ignores "stream" still answers
        Assert.Equal(before, JsonSerializer.Serialize(options, AIJsonUtilities.DefaultOptions));
        Assert.Null(options.ModelId);
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal(server.Requests[0].Body, server.Requests[2].Body);
        Assert.DoesNotContain("\"stream\"", server.Requests[2].Body);
        Assert.Equal("default-model", Body(server.Requests[0]).GetProperty("model").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_InternalKeysOnly_SendsNoExtraFieldsNorHeader()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        var options = new ChatOptions { AdditionalProperties = new() { ["mai.call"] = new MaiCallContext(), ["mai.anything"] = 1 } };

        await client.GetResponseAsync(Hello(), options, Guard());

        Assert.Equal("""{"messages":[{"role":"user","content":"hello"}]}""", server.Requests.Single().Body);
        Assert.Null(server.Requests.Single().Header("extra-parameters"));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("max_tokens")]
    [InlineData("stream_options")]
    [InlineData("reasoning_effort")]
    public async Task GetResponseAsync_AdditionalPropertyCollidesWithModelledField_ThrowsNamingKeyAndSendsNothing(string key)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        var options = new ChatOptions { AdditionalProperties = new() { [key] = "x" } };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.GetResponseAsync(Hello(), options, Guard()));
        Assert.Throws<ArgumentException>(() => { _ = client.GetStreamingResponseAsync(Hello(), options, Guard()); });

        Assert.Contains($"\"{key}\"", ex.Message);
        Assert.Empty(server.Requests);
    }

    [Theory]
    [InlineData("o3-mini", null, "max_completion_tokens")]
    [InlineData("gpt-5-mini", null, "max_completion_tokens")]
    [InlineData("azure/o1", null, "max_completion_tokens")]
    [InlineData("gpt-4o", null, "max_tokens")]
    [InlineData("o3ish-model", null, "max_tokens")]
    [InlineData("gpt-4o", true, "max_completion_tokens")]
    [InlineData("o3-mini", false, "max_tokens")]
    public async Task GetResponseAsync_MaxOutputTokens_UsesTheFieldTheModelNeeds(string model, bool? flag, string expectedField)
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        var options = new ChatOptions { ModelId = model, MaxOutputTokens = 99 };
        if (flag is bool b)
        {
            options.AdditionalProperties = new() { [AzureInferenceChatClient.UseMaxCompletionTokensKey] = b };
        }

        await client.GetResponseAsync(Hello(), options, Guard());

        var body = Body(server.Requests.Single());
        Assert.Equal(99, body.GetProperty(expectedField).GetInt32());
        Assert.False(body.TryGetProperty(expectedField == "max_tokens" ? "max_completion_tokens" : "max_tokens", out _));
        Assert.Equal(expectedField == "max_completion_tokens" ? transport.PassThroughHeader : null, server.Requests.Single().Header("extra-parameters"));
    }

    [Fact]
    public async Task GetResponseAsync_JsonSchemaAndSpecificTool_WritesSchemaFormatAndFunctionChoice()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(s_weatherSchema, "weather", "A weather query"),
            Tools = [AIFunctionFactory.CreateDeclaration("get_weather", null, s_weatherSchema)],
            ToolMode = ChatToolMode.RequireSpecific("get_weather"),
            AllowMultipleToolCalls = false,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High },
            Instructions = "be brief",
            AdditionalProperties = new() { ["strictJsonSchema"] = true },
        };

        await client.GetResponseAsync(Hello(), options, Guard());

        const string expected = """{"messages":[{"role":"system","content":"be brief"},{"role":"user","content":"hello"}],"response_format":{"type":"json_schema","json_schema":{"name":"weather","schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"description":"A weather query","strict":true}},"tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}],"tool_choice":{"type":"function","function":{"name":"get_weather"}},"reasoning_effort":"high","parallel_tool_calls":false}""";
        Assert.Equal(expected, server.Requests.Single().Body);
    }

    [Fact]
    public async Task GetResponseAsync_ToolResultsAndRequiredMode_MapsToolRoleAndRequired()
    {
        await using var server = new LoopbackServer(ScriptedReply.Json(Completion()));
        using var client = NewClient(server);
        List<ChatMessage> messages =
        [
            new(ChatRole.User, "weather?"),
            new(ChatRole.Assistant, [new TextContent("checking"), new FunctionCallContent("c1", "f", null)]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny"), new FunctionResultContent("c2", null)]),
        ];
        var options = new ChatOptions { Tools = [AIFunctionFactory.CreateDeclaration("f", null, s_weatherSchema)], ToolMode = ChatToolMode.RequireAny };

        await client.GetResponseAsync(messages, options, Guard());

        var body = Body(server.Requests.Single());
        var wire = body.GetProperty("messages");
        Assert.Equal(4, wire.GetArrayLength());
        Assert.Equal("checking", wire[1].GetProperty("content").GetString());
        Assert.Equal("{}", wire[1].GetProperty("tool_calls")[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("sunny", wire[2].GetProperty("content").GetString());
        Assert.Equal("c2", wire[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("required", body.GetProperty("tool_choice").GetString());
    }
}
