namespace AutoEncoders.Tests;

/// <summary>The repository the tests run from: the first folder above the test assembly that holds AutoEncoders.slnx.</summary>
internal static class RepositoryFolder
{
    /// <summary>Full path of the repository root.</summary>
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "AutoEncoders.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"The repository root (AutoEncoders.slnx) was not found above {AppContext.BaseDirectory}.");
    }
}
