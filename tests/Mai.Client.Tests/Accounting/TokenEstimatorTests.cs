using Mai.Client.Accounting;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Accounting;

public class TokenEstimatorTests
{
    [Fact]
    public void CountTokens_KnownStrings_MatchO200kBase()
    {
        var estimator = TokenEstimator.Default;

        // o200k_base: "Hello" "," " world" "!"  and  "You" " are" " helpful" "."
        Assert.Equal(4, estimator.CountTokens("Hello, world!"));
        Assert.Equal(4, estimator.CountTokens("You are helpful."));
        Assert.Equal(0, estimator.CountTokens(null));
        Assert.Equal(0, estimator.CountTokens(string.Empty));
    }

    [Fact]
    public void EstimatePromptTokens_TwoMessages_AddsThreePerMessageItsRoleAndThreeForPriming()
    {
        ChatMessage[] messages = [new(ChatRole.System, "You are helpful."), new(ChatRole.User, "Hello, world!")];

        // 3 (priming) + (3 + "system" 1 + 4) + (3 + "user" 1 + 4)
        Assert.Equal(19, TokenEstimator.Default.EstimatePromptTokens(messages));
    }

    [Fact]
    public void EstimatePromptTokens_UnsignedReasoningInHistory_IsNotCounted()
    {
        // A chat-completions model's reasoning: no transport sends it back (and Claude cannot verify it), so it costs nothing.
        ChatMessage[] withReasoning = [new(ChatRole.Assistant, [new TextReasoningContent("Let me think about the weather in Paris."), new TextContent("Hello, world!")])];
        ChatMessage[] without = [new(ChatRole.Assistant, "Hello, world!")];

        Assert.Equal(TokenEstimator.Default.EstimatePromptTokens(without), TokenEstimator.Default.EstimatePromptTokens(withReasoning));
    }

    [Fact]
    public void EstimatePromptTokens_SignedReasoningInHistory_IsCountedWholeRun()
    {
        // Claude's thinking, streamed: the text in deltas, the signature on a last empty item; it all goes back next turn.
        ChatMessage[] signed =
        [
            new(ChatRole.Assistant,
            [
                new TextReasoningContent("Let me think "),
                new TextReasoningContent("about the weather in Paris."),
                new TextReasoningContent(string.Empty) { ProtectedData = "sig-1" },
                new TextContent("Hello, world!"),
            ]),
        ];
        ChatMessage[] without = [new(ChatRole.Assistant, "Hello, world!")];
        var thinking = TokenEstimator.Default.CountTokens("Let me think ") + TokenEstimator.Default.CountTokens("about the weather in Paris.");

        Assert.True(thinking > 0);
        Assert.Equal(TokenEstimator.Default.EstimatePromptTokens(without) + thinking, TokenEstimator.Default.EstimatePromptTokens(signed));
    }

    [Fact]
    public void EstimatePromptTokens_MessageWithName_AddsOne()
    {
        ChatMessage[] messages = [new(ChatRole.User, "Hello, world!") { AuthorName = "alice" }];

        Assert.Equal(3 + 3 + 1 + 1 + 4, TokenEstimator.Default.EstimatePromptTokens(messages));
    }

    [Fact]
    public void EstimatePromptTokens_ToolCallAndResult_CountsNameArgumentsAndResult()
    {
        var estimator = TokenEstimator.Default;
        var call = new FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" });
        var result = new FunctionResultContent("call_1", "sunny, 21 degrees");
        ChatMessage[] messages = [new(ChatRole.Assistant, [call]), new(ChatRole.Tool, [result])];

        var expected = 3
            + 3 + estimator.CountTokens("assistant") + estimator.CountTokens("get_weather") + estimator.CountTokens("{\"city\":\"Paris\"}")
            + 3 + estimator.CountTokens("tool") + estimator.CountTokens("sunny, 21 degrees");
        Assert.Equal(expected, estimator.EstimatePromptTokens(messages));
        Assert.True(estimator.CountTokens("get_weather") > 0);
    }

    [Fact]
    public void ForEncoding_SameName_ReturnsTheSharedInstance()
    {
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForEncoding("o200k_base"));
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForEncoding("O200K_BASE"));
    }

    [Fact]
    public void ForEncoding_UnknownName_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => TokenEstimator.ForEncoding("no_such_encoding"));
        Assert.Contains("no_such_encoding", ex.Message);
    }

    private const string Hindi = "नमस्ते, आप कैसे हैं? मुझे आपकी मदद चाहिए।";

    [Fact]
    public void ForModel_Gpt4AndGpt35_UseCl100kAndGpt4oAndOSeries_UseO200k()
    {
        var cl100k = TokenEstimator.ForEncoding("cl100k_base");
        Assert.Same(cl100k, TokenEstimator.ForModel("gpt-4"));
        Assert.Same(cl100k, TokenEstimator.ForModel("gpt-35-turbo"));
        Assert.Same(cl100k, TokenEstimator.ForModel("gpt-4-turbo-2024-04-09"));
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForModel("gpt-4o"));
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForModel("gpt-4o-mini"));
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForModel("o3-mini"));
        Assert.Same(TokenEstimator.Default, TokenEstimator.ForModel(null)); // no model named: the default encoding
        Assert.True(cl100k.CountTokens(Hindi) > TokenEstimator.Default.CountTokens(Hindi) * 2);
    }

    [Theory]
    [InlineData("MAI-Thinking-1")]
    [InlineData("DeepSeek-R1")]
    [InlineData("Mistral-small")]
    [InlineData("claude-sonnet-4")]
    public void ForModel_NoPublicTokenizer_ConservativeOverEstimateOfCl100k(string? model)
    {
        var cl100k = TokenEstimator.ForEncoding("cl100k_base");
        var estimator = TokenEstimator.ForModel(model);

        Assert.Equal((int)Math.Ceiling(cl100k.CountTokens(Hindi) * 1.5), estimator.CountTokens(Hindi));
        Assert.Equal(6, estimator.CountTokens("Hello, world!")); // cl100k 4 × 1.5
        Assert.Same(estimator, TokenEstimator.ForModel("DeepSeek-R1"));
    }

    [Fact]
    public void CountTokens_LongRunWithoutSpaces_ChunkedEstimateIsAtLeastExactAndClose()
    {
        var text = string.Concat(Enumerable.Range(0, 500).Select(i => $"word{i}_"));
        var exact = ExactO200k(text);

        var chunked = TokenEstimator.Default.CountTokens(text);

        Assert.InRange(chunked, exact, exact + (text.Length / TokenEstimator.MaxRunLength) + 1);
    }

    [Fact]
    public void CountTokens_OrdinaryText_ChunkedEqualsExact()
    {
        var text = string.Join(' ', Enumerable.Range(0, 20_000).Select(i => $"w{i % 977}")) + "\n" + Hindi;

        Assert.Equal(ExactO200k(text), TokenEstimator.Default.CountTokens(text));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(TokenEstimator.MaxRunLength)]
    [InlineData(TokenEstimator.MaxRunLength + 1)]
    [InlineData(1_000_000)]
    public void Segments_AnyInput_CoverTheTextAndNoRunExceedsTheBound(int length)
    {
        // Structural proof of linearity: the tokenizer never sees a run without whitespace longer than MaxRunLength,
        // nor a segment longer than MaxSegmentLength + MaxRunLength, so its per-word work is bounded by a constant.
        var text = new string('<', length / 2) + "😀" + new string('x', length / 2);
        var covered = 0;
        foreach (var (start, count) in TokenEstimator.Segments(text))
        {
            Assert.Equal(covered, start);
            Assert.InRange(count, 1, TokenEstimator.MaxSegmentLength + TokenEstimator.MaxRunLength);
            Assert.False(char.IsLowSurrogate(text[start]));
            var run = 0;
            for (var i = start; i < start + count; i++)
            {
                run = char.IsWhiteSpace(text[i]) ? 0 : run + 1;
                Assert.True(run <= TokenEstimator.MaxRunLength);
            }

            covered += count;
        }

        Assert.Equal(text.Length, covered);
    }

    [Fact]
    public void CountTokens_Cancelled_Throws()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.Throws<OperationCanceledException>(() => TokenEstimator.Default.CountTokensCore(new string('a', 100_000), cts.Token));
    }

    [Fact]
    public async Task Constructing_MeteringClient_LoadsNoVocabularyAndAReportedUsageCallNeedsNone()
    {
        var loads = 0;
        var estimator = new TokenEstimator(() =>
        {
            Interlocked.Increment(ref loads);
            return Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4o");
        });
        var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok"))
            {
                Usage = new UsageDetails { InputTokenCount = 10, OutputTokenCount = 2, TotalTokenCount = 12 },
            }),
        };
        using var metering = new MeteringChatClient(inner, "d", "gpt-4o", new MeteringOptions { TokenEstimator = estimator });
        Assert.Equal(0, loads);

        await metering.GetResponseAsync([new ChatMessage(ChatRole.User, "Hello world!")], null, TestContext.Current.CancellationToken);
        Assert.Equal(0, loads);
        Assert.False(estimator.IsLoaded);

        Assert.Equal(4, estimator.CountTokens("Hello, world!"));
        Assert.Equal(4, estimator.CountTokens("Hello, world!"));
        Assert.Equal(1, loads);
    }

    [Fact]
    public async Task Constructing_BudgetClient_LoadsTheVocabularyInTheBackgroundOnce()
    {
        var loads = 0;
        var estimator = new TokenEstimator(() =>
        {
            Interlocked.Increment(ref loads);
            return Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4o");
        });

        using var budget = new BudgetChatClient(new TestChatClient(), new BudgetOptions { TokenEstimator = estimator, Limits = [new BudgetLimit { MaxTokens = 1_000 }] });
        await estimator.WhenLoadedAsync();

        Assert.Equal(1, loads);
        Assert.True(estimator.IsLoaded);
    }

    private static int ExactO200k(string text) => Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4o").CountTokens(text);
}
