using System.Reflection;
using System.Text.RegularExpressions;
using Operator.Tests.Manifests;

namespace Operator.Tests.Architecture;

/// <summary>
/// Issue 15.6: src/Operator's folders depend in one direction, Entities → References → Templates → Stores → Controllers /
/// RestApi / Webhooks → Hosting, nothing pointing back; and one exception type carries a condition reason.
/// </summary>
public sealed partial class FolderDirectionTests
{
    /// <summary>Lowest first: a folder may use only folders listed before it (and itself). Program.cs sits on top.</summary>
    private static readonly string[] Layers =
        ["(root)", "Tls", "Entities", "Observability", "References", "Templates", "Stores", "Credentials", "Controllers", "Workloads", "Webhooks", "RestApi", "Hosting", "Manifests", "Program"];

    [Fact]
    public void Folders_DependOnlyOnFoldersBelowThem()
    {
        var root = RepositoryRoot.File("src/Operator");
        var folders = Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(folders.Except(Layers));
        var backwards = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var relative = Path.GetRelativePath(root, file);
            var from = relative == "Program.cs" ? "Program" : relative.Contains('/', StringComparison.Ordinal) ? relative[..relative.IndexOf('/', StringComparison.Ordinal)] : "(root)";
            var used = FolderReference().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Where(folders.Contains).Distinct();
            backwards.AddRange(used.Where(to => Array.IndexOf(Layers, to) > Array.IndexOf(Layers, from)).Select(to => $"{relative} ({from}) uses {to}"));
        }

        Assert.Empty(backwards);
    }

    [Fact]
    public void OneExceptionType_CarriesAConditionReason_AndWhetherToRetry()
    {
        // Store failures are ConditionExceptions; the REST API's errors carry an HTTP status and a reference's parse
        // error is a FormatException: neither is a condition of a resource.
        var exceptions = typeof(ConditionException).Assembly.GetTypes().Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();
        var withAReason = exceptions.Where(t => t.GetProperty("Reason", BindingFlags.Public | BindingFlags.Instance) is not null).ToList();

        Assert.All(withAReason, t => Assert.True(typeof(ConditionException).IsAssignableFrom(t), $"{t.Name} carries a Reason but is no ConditionException"));
        Assert.NotNull(typeof(ConditionException).GetProperty(nameof(ConditionException.Retry)));
    }

    /// <summary><c>Operator.&lt;Folder&gt;</c> in a using directive or a qualified name (not <c>Operator.Runtime</c>, another project).</summary>
    [GeneratedRegex(@"(?<![\w.])Operator\.(\w+)")]
    private static partial Regex FolderReference();
}
