using System.Text.RegularExpressions;
using Operator.Tests.Manifests;

namespace Operator.Tests.Architecture;

/// <summary>Issue 15.6: one public type per file, named after it (<c>Type.Part.cs</c> for a partial; a generic and its static helper of one name may share one).</summary>
public sealed partial class OnePublicTypePerFileTests
{
    [Theory]
    [InlineData("src/Operator")]
    [InlineData("src/Operator.Runtime")]
    public void EachPublicType_HasItsOwnFile_NamedAfterIt(string project)
    {
        var root = RepositoryRoot.File(project);
        var problems = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var names = TopLevelPublicType().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
            var relative = Path.GetRelativePath(root, file);
            if (names.Count > 1)
            {
                problems.Add($"{relative} declares {names.Count} public types: {string.Join(", ", names)}");
            }
            else if (names.Count == 1 && Path.GetFileNameWithoutExtension(file) is var stem && stem != names[0] && !stem.StartsWith(names[0] + ".", StringComparison.Ordinal))
            {
                problems.Add($"{relative} declares public type {names[0]}; name the file {names[0]}.cs");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>A public class, record, struct, enum, interface or delegate at the top level (column 0) of a file-scoped namespace.</summary>
    [GeneratedRegex(@"^public\s+(?:(?:sealed|static|abstract|readonly|partial|unsafe|ref)\s+)*(?:record\s+struct|record\s+class|class|record|struct|enum|interface|delegate\s+\S+)\s+(\w+)", RegexOptions.Multiline)]
    private static partial Regex TopLevelPublicType();
}
