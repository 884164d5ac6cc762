using Microsoft.Extensions.AI;

namespace Mai.Client.Resilience;

/// <summary>One deployment a <see cref="ResilientChatClient"/> can send a call to: a name for telemetry and the client that reaches it.</summary>
/// <param name="Name">The deployment's name, unique within the client (for example <c>"gpt-4o-eastus"</c>); it appears in <see cref="MaiAttempt.Deployment"/>, logs and metrics.</param>
/// <param name="Client">The pipeline below resilience for this deployment (typically metering → reasoning → transport).</param>
public sealed record ResilientDeployment(string Name, IChatClient Client);
