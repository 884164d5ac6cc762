namespace Mai.Benchmarks;

/// <summary>Runs every contender once and fails loudly if one did not surface exactly what the bytes hold.</summary>
public static class Verification
{
    /// <summary>The six contenders, then the layer ladder.</summary>
    public static IReadOnlyList<(string Name, Func<Task<long>> Call, long Expected)> Calls(Contenders c) =>
        [.. Contenders(c), .. c.Ladder.Select(l => (l.Name, (Func<Task<long>>)(() => c.LadderCallAsync(l.Client)), c.ExpectedSplit))];

    private static IReadOnlyList<(string Name, Func<Task<long>> Call, long Expected)> Contenders(Contenders c) => c.IsStreaming
        ?
        [
            ("Floor", c.FloorStreamAsync, c.ExpectedRaw),
            ("AzureInference", c.AzureStreamAsync, c.ExpectedRaw),
            ("OpenAI", c.OpenAIStreamAsync, c.ExpectedRaw),
            ("MaiTransport", c.TransportStreamAsync, c.ExpectedRaw),
            ("MaiOpenAITransport", c.OpenAITransportStreamAsync, c.ExpectedRaw),
            ("MaiClient", c.MaiClientStreamAsync, c.ExpectedSplit),
            ("MaiBudgeted", c.MaiBudgetedStreamAsync, c.ExpectedSplit),
            ("MaiOpenAI", c.MaiOpenAIStreamAsync, c.ExpectedSplit),
        ]
        :
        [
            ("Floor", c.FloorCompleteAsync, c.ExpectedRaw),
            ("AzureInference", c.AzureCompleteAsync, c.ExpectedRaw),
            ("OpenAI", c.OpenAICompleteAsync, c.ExpectedRaw),
            ("MaiTransport", c.TransportCompleteAsync, c.ExpectedRaw),
            ("MaiClient", c.MaiClientCompleteAsync, c.ExpectedSplit),
            ("MaiBudgeted", c.MaiBudgetedCompleteAsync, c.ExpectedSplit),
            ("MaiOpenAI", c.MaiOpenAICompleteAsync, c.ExpectedSplit),
        ];

    public static void Check(Contenders c)
    {
        foreach (var (name, call, expected) in Calls(c))
        {
            var actual = call().GetAwaiter().GetResult();
            if (actual != expected)
            {
                throw new InvalidOperationException($"{c.Scenario}/{name}: checksum {actual}, expected {expected}: the contender did not surface the whole response.");
            }
        }
    }
}
