namespace Mai.Console.Compare;

/// <summary>One prompt of a comparison, numbered from 1, with what its answer must satisfy (none: latency and cost only).</summary>
internal sealed record PromptCase(int Number, string Prompt, Expectation? Expect);
