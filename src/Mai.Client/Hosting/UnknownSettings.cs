using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Mai.Client.Hosting;

/// <summary>Finds configuration keys that match no setting (a misspelt key would otherwise be ignored in silence).</summary>
internal static class UnknownSettings
{
    /// <summary>Returns the full path of the first key under <paramref name="configuration"/> that <paramref name="type"/> has no property for.</summary>
    /// <param name="configuration">The section bound onto <paramref name="type"/>.</param>
    /// <param name="type">The settings type.</param>
    /// <returns>The key path, or <see langword="null"/> when every key is known.</returns>
    public static string? Find(IConfiguration configuration, Type type)
    {
        foreach (var child in configuration.GetChildren())
        {
            var property = type.GetProperty(child.Key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is null)
            {
                return child.Path;
            }

            if (FindIn(child, property.PropertyType) is { } unknown)
            {
                return unknown;
            }
        }

        return null;
    }

    private static string? FindIn(IConfigurationSection section, Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            return null;
        }

        if (ElementType(type) is { } element)
        {
            foreach (var item in section.GetChildren())
            {
                if (FindIn(item, element) is { } unknown)
                {
                    return unknown;
                }
            }

            return null;
        }

        return Find(section, type);
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Uri)
        || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) || type == typeof(DateTime);

    private static Type? ElementType(Type type)
    {
        var interfaces = type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces();
        var generic = interfaces.Where(i => i.IsGenericType).Select(i => (Definition: i.GetGenericTypeDefinition(), Arguments: i.GetGenericArguments())).ToList();
        if (generic.FirstOrDefault(i => i.Definition == typeof(IDictionary<,>)) is { Arguments: { } dictionary })
        {
            return dictionary[1];
        }

        return generic.FirstOrDefault(i => i.Definition == typeof(IEnumerable<>)) is { Arguments: { } sequence } ? sequence[0] : null;
    }
}
