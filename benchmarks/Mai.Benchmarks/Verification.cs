namespace Mai.Benchmarks;

/// <summary>Runs every contender once and fails loudly if one did not surface exactly what the bytes hold.</summary>
public static class Verification
{
    public static IReadOnlyList<(string Name, Func<Task<long>> Call, long Expected)> Calls(Contenders c) => c.IsStreaming
        ?
        [
            ("Floor", c.FloorStreamAsync, c.ExpectedRaw),
            ("AzureInference", c.AzureStreamAsync, c.ExpectedRaw),
            ("OpenAI", c.OpenAIStreamAsync, c.ExpectedRaw),
            ("MaiTransport", c.TransportStreamAsync, c.ExpectedRaw),
            ("MaiClient", c.MaiClientStreamAsync, c.ExpectedSplit),
            ("MaiAllLayers", c.AllLayersStreamAsync, c.ExpectedSplit),
        ]
        :
        [
            ("Floor", c.FloorCompleteAsync, c.ExpectedRaw),
            ("AzureInference", c.AzureCompleteAsync, c.ExpectedRaw),
            ("OpenAI", c.OpenAICompleteAsync, c.ExpectedRaw),
            ("MaiTransport", c.TransportCompleteAsync, c.ExpectedRaw),
            ("MaiClient", c.MaiClientCompleteAsync, c.ExpectedSplit),
            ("MaiAllLayers", c.AllLayersCompleteAsync, c.ExpectedSplit),
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
