namespace Operator.Testing;

/// <summary>Files of the checkout the tests run from: the nearest folder above the binaries (or the working directory) holding Operator.sln.</summary>
public static class RepositoryFiles
{
    /// <summary>The checkout's root, or null when none is found (a published binary run elsewhere).</summary>
    public static string? Root { get; } = Find();

    /// <summary>The full path of <paramref name="relativePath"/>; throws when there is no checkout.</summary>
    public static string Path(string relativePath) =>
        System.IO.Path.Combine(Root ?? throw new InvalidOperationException($"No Operator.sln above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}."), relativePath);

    private static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(System.IO.Path.Combine(dir.FullName, "Operator.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}
