using Azure.Core;

namespace Mai.Client;

/// <summary>One model deployment the client can send calls to: an endpoint, the model (deployment) name and how to authenticate.</summary>
/// <remarks>
/// <see cref="MaiClientOptions"/> holds the primary deployment in its own properties and further ones in
/// <see cref="MaiClientOptions.Fallbacks"/>, tried in order when the primary is throttled, failing or its circuit is open.
/// </remarks>
public sealed class MaiDeployment
{
    /// <summary>Gets or sets the name the deployment is reported under (attempts, usage records, logs).</summary>
    /// <value>The default is <see langword="null"/>: the endpoint host and model are used.</value>
    public string? Name { get; set; }

    /// <summary>Gets or sets the endpoint, for example <c>https://my-resource.services.ai.azure.com/models</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the model (deployment) name sent as <c>model</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Gets or sets the transport this deployment is called through, so one client can fail over between wire formats
    /// (MAI-Thinking-1 on chat completions, Claude on the Messages API).</summary>
    /// <value>The default is <see langword="null"/>: <see cref="MaiTransport.AnthropicMessages"/> when the endpoint's path ends in
    /// <c>/anthropic</c>, else <see cref="MaiClientOptions.Transport"/>.</value>
    public MaiTransport? Transport { get; set; }

    /// <summary>Gets or sets the API key. When neither a key nor <see cref="Credential"/> is set, Entra ID is used.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the Entra ID credential, used when no <see cref="ApiKey"/> is set.</summary>
    public TokenCredential? Credential { get; set; }

    /// <summary>Gets or sets the context window of the deployment's model, in tokens (checked before sending).</summary>
    /// <value>The default is <see langword="null"/>: not checked.</value>
    public int? ContextWindowTokens { get; set; }

    /// <summary>Gets or sets the deployment's tokens-per-minute quota, enforced on the client.</summary>
    /// <value>The default is <see langword="null"/>: no client-side limit.</value>
    public int? TokensPerMinute { get; set; }

    /// <summary>Gets or sets the deployment's requests-per-minute quota, enforced on the client.</summary>
    /// <value>The default is <see langword="null"/>: no client-side limit.</value>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Returns the deployment's display name: <see cref="Name"/>, else <c>host/model</c>.</summary>
    /// <returns>The display name; never contains the key.</returns>
    public override string ToString() => Name ?? (Model is null ? Endpoint?.Host ?? "(no endpoint)" : $"{Endpoint?.Host}/{Model}");

    internal MaiDeployment Clone() => (MaiDeployment)MemberwiseClone();
}
