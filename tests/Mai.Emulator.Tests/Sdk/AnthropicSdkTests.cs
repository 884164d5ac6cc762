using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;
using Anthropic.Models.Messages;
using Mai.Emulator.Tests.TestSupport;

namespace Mai.Emulator.Tests.Sdk;

/// <summary>The official Anthropic .NET SDK (13.x), used raw with its retries off, parses every kind of Messages API response the emulator produces.</summary>
public sealed class AnthropicSdkTests
{
    private const string Prompt = "Why is the sky blue?";

    private static AnthropicClient Client(MaiEmulator emu, string? key = null) => new()
    {
        BaseUrl = emu.AnthropicEndpoint.ToString(),
        ApiKey = key ?? emu.ApiKey!,
        MaxRetries = 0,
    };

    private static MessageCreateParams Params(string model, bool thinking = false, string prompt = Prompt)
    {
        var parameters = new MessageCreateParams
        {
            Model = model,
            MaxTokens = 4096,
            Messages = [new UserMessageParam(prompt)],
        };
        return thinking ? parameters with { Thinking = new ThinkingConfigEnabled { BudgetTokens = 2048 } } : parameters;
    }

    [Theory]
    [InlineData("claude-opus-4-6")]
    [InlineData("claude-sonnet-4-6")]
    [InlineData("claude-haiku-4-5")]
    public async Task Create_EachClaudeModel_ParsesTextStopReasonAndUsage(string model)
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var message = await Client(emu).Messages.Create(Params(model), Clients.Deadline());

        Assert.Equal(model, (string)message.Model);
        var text = Assert.Single(message.Content);
        Assert.True(text.TryPickText(out var block));
        Assert.StartsWith("Here is", block.Text, StringComparison.Ordinal);
        Assert.Equal(StopReason.EndTurn, message.StopReason!.Value());
        Assert.Equal(Tok.Prompt(("user", Prompt)), message.Usage.InputTokens);
        Assert.Equal(0, message.Usage.CacheReadInputTokens);
        Assert.Equal(0, message.Usage.CacheCreationInputTokens);
        Assert.Equal(Tok.Count(block.Text), message.Usage.OutputTokens);
        Assert.StartsWith("msg_01", message.ID, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WithThinking_ParsesThinkingBlockWithSignatureBeforeText()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var message = await Client(emu).Messages.Create(Params("claude-opus-4-6", thinking: true), Clients.Deadline());

        Assert.Equal(2, message.Content.Count);
        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.True(message.Content[1].TryPickText(out var text));
        Assert.StartsWith("EqQBCkYIBxgCKkA", thinking.Signature, StringComparison.Ordinal);
        Assert.Equal(Tok.Count(thinking.Thinking) + Tok.Count(text.Text), message.Usage.OutputTokens);
    }

    [Fact]
    public async Task CreateStreaming_WithThinking_EventSequenceAssemblesToTheNonStreamedAnswer()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Client(emu);
        var whole = await client.Messages.Create(Params("claude-opus-4-6", thinking: true), Clients.Deadline());

        var kinds = new List<string>();
        var thinking = string.Empty;
        var signature = string.Empty;
        var text = string.Empty;
        long? finalOutput = null;
        StopReason? stop = null;
        await foreach (var ev in client.Messages.CreateStreaming(Params("claude-opus-4-6", thinking: true), Clients.Deadline()))
        {
            if (ev.TryPickStart(out var start))
            {
                kinds.Add("message_start");
                Assert.Equal(whole.Usage.InputTokens, start.Message.Usage.InputTokens);
            }
            else if (ev.TryPickContentBlockStart(out _))
            {
                kinds.Add("content_block_start");
            }
            else if (ev.TryPickContentBlockDelta(out var delta))
            {
                if (delta.Delta.TryPickThinking(out var t))
                {
                    thinking += t.Thinking;
                }
                else if (delta.Delta.TryPickSignature(out var s))
                {
                    signature += s.Signature;
                }
                else if (delta.Delta.TryPickText(out var x))
                {
                    text += x.Text;
                }
            }
            else if (ev.TryPickContentBlockStop(out _))
            {
                kinds.Add("content_block_stop");
            }
            else if (ev.TryPickDelta(out var messageDelta))
            {
                kinds.Add("message_delta");
                finalOutput = messageDelta.Usage.OutputTokens;
                stop = messageDelta.Delta.StopReason?.Value();
            }
            else if (ev.TryPickStop(out _))
            {
                kinds.Add("message_stop");
            }
        }

        Assert.Equal(["message_start", "content_block_start", "content_block_stop", "content_block_start", "content_block_stop", "message_delta", "message_stop"], kinds);
        Assert.True(whole.Content[0].TryPickThinking(out var wholeThinking));
        Assert.Equal(wholeThinking.Thinking, thinking);
        Assert.Equal(wholeThinking.Signature, signature);
        Assert.True(whole.Content[1].TryPickText(out var wholeText));
        Assert.Equal(wholeText.Text, text);
        Assert.Equal(whole.Usage.OutputTokens, finalOutput);
        Assert.Equal(StopReason.EndTurn, stop);
    }

    [Fact]
    public async Task Create_ToolRoundTripWithThinking_ThinkingBlockSentBackIsAccepted()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        var client = Client(emu);
        var tool = new Tool
        {
            Name = "get_weather",
            Description = "Gets the weather of a city",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement>
                {
                    ["city"] = JsonSerializer.SerializeToElement(new { type = "string" }),
                },
                Required = ["city"],
            },
        };
        var first = Params("claude-opus-4-6", thinking: true, prompt: "Use get_weather for Paris.") with { Tools = [tool] };

        var answer = await client.Messages.Create(first, Clients.Deadline());

        Assert.Equal(StopReason.ToolUse, answer.StopReason!.Value());
        Assert.True(answer.Content[0].TryPickThinking(out var thinking));
        Assert.True(answer.Content[^1].TryPickToolUse(out var call));
        Assert.Equal("get_weather", call.Name);
        Assert.True(call.Input.ContainsKey("city"));

        var assistant = new List<ContentBlockParam>
        {
            new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature },
            new ToolUseBlockParam { ID = call.ID, Name = call.Name, Input = call.Input },
        };
        var second = first with
        {
            Messages =
            [
                .. first.Messages,
                new AssistantMessageParam(assistant),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(call.ID) { Content = "21 C and sunny" } }),
            ],
        };

        var final = await client.Messages.Create(second, Clients.Deadline());

        Assert.Equal(StopReason.EndTurn, final.StopReason!.Value());
        Assert.True(final.Content[^1].TryPickText(out var text));
        Assert.Contains("get_weather", text.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_UnknownModel_IsNotFoundError()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var ex = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => Client(emu).Messages.Create(Params("claude-opus-4-7"), Clients.Deadline()));

        Assert.Contains("model: claude-opus-4-7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_WrongKey_IsAuthenticationError()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());

        var ex = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => Client(emu, "wrong").Messages.Create(Params("claude-opus-4-6"), Clients.Deadline()));

        Assert.Contains("authentication_error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_RateLimitFault_IsRateLimitError()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Script(EmulatorFault.RateLimit(TimeSpan.FromSeconds(7)));

        var ex = await Assert.ThrowsAsync<AnthropicRateLimitException>(() => Client(emu).Messages.Create(Params("claude-opus-4-6"), Clients.Deadline()));

        Assert.Contains("rate limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_OverloadedFault_Is529()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Script(EmulatorFault.HttpError(529));

        var ex = await Assert.ThrowsAsync<AnthropicOverloadedException>(() => Client(emu).Messages.Create(Params("claude-opus-4-6"), Clients.Deadline()));

        Assert.Contains("Overloaded", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateStreaming_StreamErrorFault_SurfacesAsSseError()
    {
        await using var emu = await MaiEmulator.StartAsync(cancellationToken: Clients.Deadline());
        emu.Script(EmulatorFault.StreamError(afterChunks: 4));
        var seen = 0;

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var ev in Client(emu).Messages.CreateStreaming(Params("claude-opus-4-6"), Clients.Deadline()))
            {
                seen++;
            }
        });

        Assert.InRange(seen, 1, 3); // message_start, content_block_start, ping, one delta were written before the error event
        Assert.Contains("Overloaded", ex.Message, StringComparison.Ordinal);
    }
}
