using Microsoft.Extensions.AI;

namespace Mai.Client.Accounting;

/// <summary>Attaches an accounting scope (user, tenant, tag) to a call's <see cref="ChatOptions"/>.</summary>
public static class MaiScopeChatOptionsExtensions
{
    /// <summary>Returns a copy of <paramref name="options"/> (never the caller's instance) whose usage is accounted to the given user, tenant and tag.</summary>
    /// <param name="options">The options to copy, or <see langword="null"/> for new options.</param>
    /// <param name="user">The end user; <see langword="null"/> leaves any existing value.</param>
    /// <param name="tenant">The tenant; <see langword="null"/> leaves any existing value.</param>
    /// <param name="tag">A free-form tag; <see langword="null"/> leaves any existing value.</param>
    /// <returns>The new options.</returns>
    public static ChatOptions WithScope(this ChatOptions? options, string? user = null, string? tenant = null, string? tag = null)
    {
        var copy = options?.Clone() ?? new ChatOptions();
        copy.AdditionalProperties = copy.AdditionalProperties is null ? [] : new AdditionalPropertiesDictionary(copy.AdditionalProperties);
        Set(copy.AdditionalProperties, MaiScope.UserKey, user);
        Set(copy.AdditionalProperties, MaiScope.TenantKey, tenant);
        Set(copy.AdditionalProperties, MaiScope.TagKey, tag);
        return copy;
    }

    private static void Set(AdditionalPropertiesDictionary props, string key, string? value)
    {
        if (value is not null)
        {
            props[key] = value;
        }
    }
}
