namespace Mai.Client;

/// <summary>The defaults of <see cref="MaiClientOptions"/>, in one place.</summary>
internal static class MaiClientDefaults
{
    public static readonly TimeSpan NetworkTimeout = TimeSpan.FromMinutes(10);
}
