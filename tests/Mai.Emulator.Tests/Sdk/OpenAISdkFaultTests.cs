using System.ClientModel;
using System.Text.Json;
using Mai.Emulator.Tests.TestSupport;
using OpenAI.Chat;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>Every fault surfaces through the raw OpenAI SDK as the real service's failure would.</summary>
public sealed class OpenAISdkFaultTests
{
    private const string Prompt = "Explain tides";

    [Theory]
    [InlineData("429;retry-after-ms=800", 429)]
    [InlineData("500", 500)]
    [InlineData("503", 503)]
    [InlineData("408", 408)]
    [InlineData("content-filter", 400)]
    [InlineData("context-length", 400)]
    public async Task CompleteChat_StatusFault_ThrowsClientResultWithStatus(string fault, int status)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.Parse(fault), times: 2);
        var client = Clients.OpenAI(emu, "gpt-4o");

        var plain = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()));
        var streaming = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in client.CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()))
            {
            }
        });

        Assert.Equal(status, plain.Status);
        Assert.Equal(status, streaming.Status);
        Assert.Equal(2, emu.Requests.Count);
        if (status == 429)
        {
            Assert.True(plain.GetRawResponse()!.Headers.TryGetValue("retry-after-ms", out var ms) && ms == "800");
        }
    }

    [Fact]
    public async Task CompleteChat_ContentFilter_BodyHasInnerErrorFilterResult()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.ContentFilter());

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()));

        using var body = JsonDocument.Parse(ex.GetRawResponse()!.Content);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("content_filter", error.GetProperty("code").GetString());
        Assert.Equal("prompt", error.GetProperty("param").GetString());
        Assert.Equal("ResponsibleAIPolicyViolation", error.GetProperty("innererror").GetProperty("code").GetString());
        Assert.True(error.GetProperty("innererror").GetProperty("content_filter_result").GetProperty("self_harm").GetProperty("filtered").GetBoolean());
    }

    [Fact]
    public async Task CompleteChat_ConnectionReset_ThrowsStatusZero()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.ConnectionReset());

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()));

        Assert.Equal(0, ex.Status);
    }

    [Fact]
    public async Task CompleteChat_MalformedJson_ThrowsJsonException()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.MalformedJson());

        await Assert.ThrowsAnyAsync<JsonException>(() => Clients.OpenAI(emu, "gpt-4o").CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()));
    }

    [Fact]
    public async Task CompleteChatStreaming_MalformedChunk_ThrowsAfterTheGoodChunks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.MalformedJson(afterChunks: 2));

        var seen = 0;
        await Assert.ThrowsAnyAsync<JsonException>(async () =>
        {
            await foreach (var _ in Clients.OpenAI(emu, "gpt-4o").CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()))
            {
                seen++;
            }
        });

        Assert.Equal(2, seen);
    }

    [Fact]
    public async Task CompleteChatStreaming_CutStream_ThrowsIOExceptionAfterTheGoodChunks()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.CutStream(afterChunks: 5));

        var seen = 0;
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (var _ in Clients.OpenAI(emu, "gpt-4o").CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()))
            {
                seen++;
            }
        });

        Assert.Equal(5, seen);
    }

    [Fact]
    public async Task CompleteChatStreaming_TruncatedStream_EndsWithoutFinishReason()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Faults.Enqueue(EmulatorFault.TruncateStream(afterChunks: 3));

        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in Clients.OpenAI(emu, "gpt-4o").CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()))
        {
            updates.Add(update);
        }

        Assert.Equal(3, updates.Count);
        Assert.All(updates, u => Assert.Null(u.FinishReason));
    }

    [Fact]
    public async Task CompleteChat_WrongKey_Throws401WithoutLeakingKeys()
    {
        await using var emu = await MaiEmulator.StartAsync(new MaiEmulatorOptions { ApiKey = "the-right-secret-key" }, Clients.Deadline());

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => Clients.OpenAI(emu, "gpt-4o", key: "a-wrong-secret-key").CompleteChatAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()));

        Assert.Equal(401, ex.Status);
        using var body = JsonDocument.Parse(ex.GetRawResponse()!.Content);
        Assert.Equal("invalid_api_key", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("a-wrong-secret-key", ex.Message);
        Assert.DoesNotContain("the-right-secret-key", ex.Message);
        Assert.Equal("Bearer REDACTED", emu.Requests[0].Headers["Authorization"]);
    }

    [Fact]
    public async Task CompleteChatStreaming_ModelRejectsStreamOptions_Throws400NamingIt()
    {
        var options = new MaiEmulatorOptions { Models = { EmulatedModel.Gpt4o with { RejectStreamOptions = true } } };
        await using var emu = await MaiEmulator.StartAsync(options, Clients.Deadline());

        var ex = await Assert.ThrowsAsync<ClientResultException>(async () =>
        {
            await foreach (var _ in Clients.OpenAI(emu, "gpt-4o").CompleteChatStreamingAsync([new UserChatMessage(Prompt)], cancellationToken: Clients.Deadline()))
            {
            }
        });

        Assert.Equal(400, ex.Status);
        Assert.Equal(
            """{"error":{"code":"invalid_request_error","param":"stream_options","message":"Unrecognized request argument supplied: stream_options"}}""",
            ex.GetRawResponse()!.Content.ToString());
    }
}
