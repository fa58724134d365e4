namespace Operator.Playground.Tests;

/// <summary>The checkout these tests were built from (the folder holding Operator.sln).</summary>
public static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Operator.sln above {AppContext.BaseDirectory}");
    }
}
