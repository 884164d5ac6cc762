using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Who a call is accounted to: a user, a tenant and a free-form tag, read from the call's <see cref="ChatOptions.AdditionalProperties"/>.</summary>
/// <remarks>Set it with <see cref="MaiScopeChatOptionsExtensions.WithScope(ChatOptions?, string?, string?, string?)"/>. The keys start with
/// <c>mai.</c>, so the transports never send them to the service.</remarks>
/// <param name="User">The end user, or <see langword="null"/>.</param>
/// <param name="Tenant">The tenant (customer, team), or <see langword="null"/>.</param>
/// <param name="Tag">A free-form tag (feature, job), or <see langword="null"/>.</param>
public sealed record MaiScope(string? User = null, string? Tenant = null, string? Tag = null)
{
    /// <summary>The options key of the user: <c>mai.scope.user</c>.</summary>
    public const string UserKey = "mai.scope.user";

    /// <summary>The options key of the tenant: <c>mai.scope.tenant</c>.</summary>
    public const string TenantKey = "mai.scope.tenant";

    /// <summary>The options key of the tag: <c>mai.scope.tag</c>.</summary>
    public const string TagKey = "mai.scope.tag";

    /// <summary>Gets the empty scope (no user, tenant or tag).</summary>
    public static MaiScope None { get; } = new();

    /// <summary>Reads the scope of a call from its options.</summary>
    /// <param name="options">The call's options, or <see langword="null"/>.</param>
    /// <returns>The scope; <see cref="None"/> when no scope key is set.</returns>
    public static MaiScope From(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { } props)
        {
            return None;
        }

        var user = Read(props, UserKey);
        var tenant = Read(props, TenantKey);
        var tag = Read(props, TagKey);
        return user is null && tenant is null && tag is null ? None : new MaiScope(user, tenant, tag);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var parts = new List<string>(3);
        if (User is not null)
        {
            parts.Add($"user '{User}'");
        }

        if (Tenant is not null)
        {
            parts.Add($"tenant '{Tenant}'");
        }

        if (Tag is not null)
        {
            parts.Add($"tag '{Tag}'");
        }

        return parts.Count == 0 ? "all calls" : string.Join(", ", parts);
    }

    private static string? Read(AdditionalPropertiesDictionary props, string key) =>
        props.TryGetValue(key, out var value) && value?.ToString() is { Length: > 0 } text ? text : null;
}
