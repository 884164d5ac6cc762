using Mai.Client.Accounting;
using Mai.Client.Conversation;
using Mai.Client.Tests.TestSupport;
using Microsoft.Extensions.AI;

namespace Mai.Client.Tests.Conversation;

public class TokenBudgetChatReducerTests
{
    private static readonly TokenEstimator Estimator = TokenEstimator.Default;

    // The counting rule, restated independently of the reducer: 3 tokens of reply priming, then per message 3 plus its role and its text.
    private static int Cost(ChatMessage message) => 3 + Estimator.CountTokens(message.Role.Value) + Estimator.CountTokens(message.Text);

    private static int Prompt(IEnumerable<ChatMessage> messages) => 3 + messages.Sum(Cost);

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are a terse assistant for a bicycle shop."),
        new(ChatRole.User, "What tyre pressure should I run on a road bike?"),
        new(ChatRole.Assistant, "Most riders run 80 to 100 psi, depending on weight and tyre width."),
        new(ChatRole.User, "And for a gravel bike with 40 mm tyres?"),
        new(ChatRole.Assistant, "Start near 35 psi and lower it for loose surfaces."),
        new(ChatRole.User, "Which pump do you sell for that?"),
        new(ChatRole.Assistant, "The TrackMaster floor pump reads accurately down to 10 psi."),
    ];

    [Fact]
    public async Task ReduceAsync_EverythingFits_SameMessagesInOrder()
    {
        var messages = Conversation();
        var reducer = new TokenBudgetChatReducer(Prompt(messages));

        var reduced = (await reducer.ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal(messages, reduced);
        Assert.Equal(Prompt(messages), reducer.CountTokens(messages));
    }

    [Fact]
    public async Task ReduceAsync_BudgetExactlySystemPlusTwoLatestTurns_KeepsThemAndDropsTheOldest()
    {
        var messages = Conversation();
        var expected = new[] { messages[0], messages[3], messages[4], messages[5], messages[6] };
        var budget = Prompt(expected);
        Assert.True(budget < Prompt(messages));

        var reduced = (await new TokenBudgetChatReducer(budget).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal(expected, reduced);
        Assert.Equal(budget, Prompt(reduced));
    }

    [Fact]
    public async Task ReduceAsync_OneTokenUnderTwoTurns_KeepsSystemAndOnlyTheLatestTurn()
    {
        var messages = Conversation();
        var budget = Prompt([messages[0], messages[3], messages[4], messages[5], messages[6]]) - 1;

        var reduced = (await new TokenBudgetChatReducer(budget).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal([messages[0], messages[5], messages[6]], reduced);
        Assert.True(Prompt(reduced) <= budget);
    }

    [Fact]
    public async Task ReduceAsync_LatestTurnAloneTooBig_KeptWithSystemSoTheCallFailsLoudly()
    {
        var messages = Conversation();

        var reduced = (await new TokenBudgetChatReducer(10).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal([messages[0], messages[5], messages[6]], reduced);
    }

    [Fact]
    public async Task ReduceAsync_ToolTurn_KeptWholeNeverAnOrphanToolResult()
    {
        var call = new FunctionCallContent("call_1", "stock", new Dictionary<string, object?> { ["sku"] = "TM-10" });
        List<ChatMessage> messages =
        [
            new(ChatRole.System, "Shop assistant."),
            new(ChatRole.User, "Hello there, what are your opening hours on Sunday?"),
            new(ChatRole.Assistant, "We open at ten on Sundays."),
            new(ChatRole.User, "Is the TrackMaster in stock?"),
            new(ChatRole.Assistant, [call]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "4 units")]),
            new(ChatRole.Assistant, "Yes, four are in stock."),
        ];
        var turnTokens = Estimator.EstimatePromptTokens(messages[3..]) - 3;
        var budget = Estimator.EstimatePromptTokens([messages[0]]) + turnTokens;

        var reduced = (await new TokenBudgetChatReducer(budget).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal([messages[0], .. messages[3..]], reduced);

        // One token less: the tool turn is still the latest, so it stays whole (never split into call without result).
        var tighter = (await new TokenBudgetChatReducer(budget - 1).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();
        Assert.Equal([messages[0], .. messages[3..]], tighter);
    }

    [Fact]
    public async Task ReduceAsync_SystemMessageInsideADroppedTurn_KeptInPlace()
    {
        var messages = Conversation();
        messages.Insert(2, new ChatMessage(ChatRole.System, "Prices are in euros."));
        var budget = Prompt([messages[0], messages[2], messages[6], messages[7]]);

        var reduced = (await new TokenBudgetChatReducer(budget).ReduceAsync(messages, TestContext.Current.CancellationToken)).ToList();

        Assert.Equal([messages[0], messages[2], messages[6], messages[7]], reduced);
    }

    [Fact]
    public void Constructor_ZeroBudget_ThrowsNamingTheParameter()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new TokenBudgetChatReducer(0));
        Assert.Equal("maxPromptTokens", ex.ParamName);
    }

    [Fact]
    public async Task ReducingChatClient_WithThisReducer_InnerClientReceivesTheTrimmedConversation()
    {
        var messages = Conversation();
        List<ChatMessage>? sent = null;
        using var inner = new TestChatClient
        {
            GetResponseAsyncCallback = (m, _, _) =>
            {
                sent = m.ToList();
                return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "ok")));
            },
        };
        var budget = Prompt([messages[0], messages[5], messages[6]]);
        using var client = new ChatClientBuilder(inner).UseChatReducer(new TokenBudgetChatReducer(budget)).Build();

        await client.GetResponseAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([messages[0], messages[5], messages[6]], sent);
        Assert.Equal(7, messages.Count);
    }
}
