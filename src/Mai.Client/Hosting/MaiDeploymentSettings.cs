namespace Mai.Client.Hosting;

/// <summary>The configuration shape of one <see cref="MaiDeployment"/> in <c>Fallbacks</c>.</summary>
/// <remarks>The key is never part of <see cref="object.ToString"/>.</remarks>
internal sealed class MaiDeploymentSettings
{
    public string? Name { get; set; }

    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }

    public string? ManagedIdentityClientId { get; set; }

    public int? ContextWindowTokens { get; set; }

    public int? TokensPerMinute { get; set; }

    public int? RequestsPerMinute { get; set; }
}
