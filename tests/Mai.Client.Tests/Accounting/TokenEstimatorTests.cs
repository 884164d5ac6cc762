using Mai.Client.Accounting;
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
}
