using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Hosting;

public sealed class RoutesAndAuthTests
{
    private const string AzureDenied = """{"error":{"code":"401","message":"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource."}}""";

    [Fact]
    public async Task StartAsync_Defaults_LoopbackEndpointKeyAndEightModels()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        Assert.Equal("127.0.0.1", emu.Endpoint.Host);
        Assert.NotEqual(0, emu.Endpoint.Port);
        Assert.Equal("mai-emulator-key", emu.ApiKey);
        Assert.Equal(["MAI-Thinking-1", "DeepSeek-R1", "gpt-4o", "o3-mini", "Mistral-small", "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5"], emu.Models.Select(m => m.Name));
        Assert.Equal(emu.Models.Select(m => m.Name), emu.ModelNames);
    }

    [Theory]
    [InlineData("/chat/completions")]
    [InlineData("/models/chat/completions?api-version=2024-05-01-preview")]
    [InlineData("/openai/v1/chat/completions")]
    [InlineData("/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21")]
    public async Task ChatRoutes_AllAnswer(string path)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "hi"), path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Fact]
    public async Task DeploymentRoute_DeploymentPicksTheModelOverTheBody()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (_, json) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "hi"), "/openai/deployments/deepseek-r1/chat/completions");

        Assert.Equal("DeepSeek-R1", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task UnknownModel_OpenList_FallsBackToFirstModel()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { RejectUnknownModels = false }, Clients.Deadline());

        var (_, json) = await Raw.PostJsonAsync(emu, Raw.Body("no-such-model", "hi"));

        Assert.Equal("MAI-Thinking-1", json.RootElement.GetProperty("model").GetString());
    }

    [Fact]
    public async Task UnknownDeployment_ClosedList_Returns404DeploymentNotFound()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { RejectUnknownModels = true }, Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, Raw.Body("x", "hi"), "/openai/deployments/nope/chat/completions");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("DeploymentNotFound", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("/info")]
    [InlineData("/models/info?api-version=2024-05-01-preview")]
    public async Task Info_ReturnsRecordedShape(string path)
    {
        var options = new MaiEmulatorOptions { Models = { EmulatedModel.MistralSmall } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());
        using var http = Raw.Client(emu);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("api-key", emu.ApiKey);

        using var response = await http.SendAsync(request, Clients.Deadline());

        Assert.Equal("""{"model_name":"Mistral-small","model_type":"chat-completion","model_provider_name":"Mistral"}""", await response.Content.ReadAsStringAsync(Clients.Deadline()));
    }

    [Theory]
    [InlineData("GET", "/openai/deployments/gpt-4o/info?api-version=2024-05-01-preview")]
    [InlineData("GET", "/somewhere/else")]
    [InlineData("POST", "/embeddings")]
    public async Task UnknownRoutesAndAoaiInfo_Return404ResourceNotFound(string method, string path)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Clients.Deadline());

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("""{"error":{"code":"404","message":"Resource not found"}}""", await response.Content.ReadAsStringAsync(Clients.Deadline()));
    }

    [Theory]
    [InlineData("api-key", "mai-emulator-key", 200)]
    [InlineData("Authorization", "Bearer mai-emulator-key", 200)]
    [InlineData("api-key", "wrong", 401)]
    [InlineData("Authorization", "Bearer wrong", 401)]
    [InlineData("Authorization", "Basic mai-emulator-key", 401)]
    [InlineData(null, null, 401)]
    public async Task Auth_ApiKeyOrBearer_CheckedAgainstTheKey(string? header, string? value, int status)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);
        var request = Raw.Post(emu, Raw.Body("gpt-4o", "hi"), key: null);
        if (header is not null)
        {
            request.Headers.TryAddWithoutValidation(header, value);
        }

        using var response = await http.SendAsync(request, Clients.Deadline());

        Assert.Equal(status, (int)response.StatusCode);
        if (status == 401)
        {
            Assert.Equal(AzureDenied, await response.Content.ReadAsStringAsync(Clients.Deadline()));
        }
    }

    [Fact]
    public async Task Auth_NoKeyConfigured_AcceptsAnything()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = null }, Clients.Deadline());

        var (response, _) = await Raw.PostJsonAsync(emu, Raw.Body("gpt-4o", "hi"));

        Assert.Null(emu.ApiKey);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("not json", null)]
    [InlineData("""{"model":"gpt-4o"}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":{"type":"function","function":{"name":"g"}}}""", "tool_choice")]
    public async Task BadRequest_Returns400NamingTheParameter(string body, string? param)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var (response, json) = await Raw.PostJsonAsync(emu, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task StartAsync_InvalidModels_ThrowNamingTheProperty()
    {
        var negative = new MaiEmulatorOptions { Models = { new EmulatedModel { Name = "m", TokensPerSecond = -1 } } };
        var duplicate = new MaiEmulatorOptions { Models = { EmulatedModel.Gpt4o, EmulatedModel.Gpt4o with { ProviderName = "x" } } };

        var ex1 = await Assert.ThrowsAsync<ArgumentException>(() => MaiEmulator.StartAsync(negative, Clients.Deadline()));
        var ex2 = await Assert.ThrowsAsync<ArgumentException>(() => MaiEmulator.StartAsync(duplicate, Clients.Deadline()));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => MaiEmulator.StartAsync(new MaiEmulatorOptions { Port = 70000 }, Clients.Deadline()));

        Assert.Equal("TokensPerSecond", ex1.ParamName);
        Assert.Contains("'m'", ex1.Message);
        Assert.Contains("'gpt-4o'", ex2.Message);
    }

    [Fact]
    public async Task StartAsync_OptionsEditedAfterStart_ChangeNothing()
    {
        var options = new MaiEmulatorOptions { Models = { EmulatedModel.Gpt4o } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        options.Models.Add(EmulatedModel.MistralSmall);
        options.ApiKey = "changed";

        Assert.Single(emu.Models);
        Assert.Equal("mai-emulator-key", emu.ApiKey);
    }

    [Fact]
    public async Task Stream_ResponseHeaders_AreSseWithCharset()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        using var http = Raw.Client(emu);

        using var response = await http.SendAsync(Raw.Post(emu, Raw.Body("gpt-4o", "hi", stream: true)), HttpCompletionOption.ResponseHeadersRead, Clients.Deadline());

        Assert.Equal(new MediaTypeHeaderValue("text/event-stream") { CharSet = "utf-8" }, response.Content.Headers.ContentType);
        var data = await Raw.ReadSseAsync(response, Clients.Deadline());
        Assert.Equal("[DONE]", data[^1]);
        Assert.All(Raw.Chunks(data), c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
    }
}
