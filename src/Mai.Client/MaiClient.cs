namespace Mai.Client;

/// <summary>The typed facade over the Mai pipeline (placeholder until the facade lands).</summary>
public sealed class MaiClient
{
}
