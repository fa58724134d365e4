namespace Operator.Playground.Tests;

/// <summary>
/// The kubectl plugin as built next to the tests, in a folder of its own that a shell puts first on PATH, so the real
/// kubectl finds <c>kubectl-secretgroup</c> as it finds any plugin (<c>make install-plugin</c> puts the same binary,
/// published single-file, into a folder on PATH).
/// </summary>
public static class KubectlPlugin
{
    public const string Name = "kubectl-secretgroup";

    private static readonly Lazy<string> Folder = new(Create);

    /// <summary>The folder holding only the plugin (a link to the built apphost).</summary>
    public static string Dir => Folder.Value;

    /// <summary>The shell line that puts the plugin on PATH.</summary>
    public static string OnPath => $"export PATH='{Dir}':\"$PATH\"";

    private static string Create()
    {
        var built = Path.Combine(AppContext.BaseDirectory, Name);
        Assert.True(File.Exists(built), $"the plugin was not built next to the tests: {built}");
        var dir = Directory.CreateTempSubdirectory("kubectl-plugin-").FullName;
        File.CreateSymbolicLink(Path.Combine(dir, Name), built);
        return dir;
    }
}
