namespace Mai.Console.Info;

/// <summary>What <c>GET {endpoint}/info</c> said: the model it serves, or why it said nothing (<see cref="Available"/> false).</summary>
internal sealed record EndpointInfo(bool Available, string? ModelName, string? ModelType, string? ProviderName, int? Status, string? Detail);
