namespace Mai.Client.Tests.TestSupport;

/// <summary>Finds the checkout: the folder above the test binaries that holds Mai.sln.</summary>
internal static class Repository
{
    /// <summary>Gets the checkout's root folder, or <see langword="null"/> when the tests run outside one.</summary>
    public static string? TryFindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mai.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    /// <summary>Gets the checkout's root folder.</summary>
    /// <exception cref="InvalidOperationException">No folder above the test binaries holds Mai.sln.</exception>
    public static string Root => TryFindRoot() ?? throw new InvalidOperationException("Mai.sln not found above " + AppContext.BaseDirectory);
}
