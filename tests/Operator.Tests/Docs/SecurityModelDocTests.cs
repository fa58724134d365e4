using System.Text.RegularExpressions;
using Operator.Tests.Manifests;

namespace Operator.Tests.Docs;

/// <summary>SECURITY.md's tenancy table names the test behind every row: each named test exists.</summary>
public sealed partial class SecurityModelDocTests
{
    [Fact]
    public void EveryRowOfTheTenancyTable_NamesTestsThatExist()
    {
        var text = File.ReadAllText(RepositoryRoot.File("SECURITY.md"));
        var start = text.IndexOf("## Tenancy model", StringComparison.Ordinal);
        Assert.True(start >= 0, "SECURITY.md has no '## Tenancy model' section");
        var rows = text[start..].Split('\n').SkipWhile(l => !l.StartsWith("| actor", StringComparison.Ordinal)).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        Assert.True(rows.Count >= 15, $"expected the whole table, found {rows.Count} rows");
        var sources = Directory.EnumerateFiles(RepositoryRoot.File("tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        foreach (var row in rows)
        {
            var names = TestName().Matches(row.Split('|')[^2]).Select(m => m.Groups[1].Value).ToList();
            Assert.True(names.Count > 0, $"row names no test: {row}");
            foreach (var name in names)
            {
                var dot = name.LastIndexOf('.');
                var file = name[..dot].Replace('/', Path.DirectorySeparatorChar) + ".cs";
                var method = name[(dot + 1)..];
                var match = sources.Where(s => s.EndsWith(Path.DirectorySeparatorChar + file, StringComparison.Ordinal)).ToList();
                Assert.True(match.Count == 1, $"{name}: no single test file ending in {file}");
                Assert.Matches($@"(Task|void) {Regex.Escape(method)}\(", File.ReadAllText(match[0]));
            }
        }
    }

    [GeneratedRegex(@"`([A-Za-z0-9/]+\.[A-Za-z0-9_]+)`")]
    private static partial Regex TestName();
}
