using Operator.Manifests;

namespace Operator.Tests.Manifests;

public sealed class ManifestDriftTests
{
    public static TheoryData<string> GeneratedFiles => [.. ManifestWriter.Render().Keys];

    [Theory]
    [MemberData(nameof(GeneratedFiles))]
    public void CommittedFile_MatchesEntityClasses(string relativePath)
    {
        var committed = RepositoryRoot.File(relativePath);
        Assert.True(File.Exists(committed), $"{relativePath} is missing; run make manifests and commit the result.");
        var expected = ManifestWriter.Render()[relativePath];
        var actual = File.ReadAllText(committed).ReplaceLineEndings("\n");
        Assert.True(expected == actual, $"{relativePath} has drifted from the entity classes; run make manifests and commit the result.");
    }

    [Fact]
    public void CrdBases_HoldNoFileTheGeneratorDoesNotWrite()
    {
        var rendered = ManifestWriter.Render().Keys.ToHashSet();
        var stale = Directory.EnumerateFiles(RepositoryRoot.File(ManifestWriter.CrdBasesDirectory))
            .Select(f => $"{ManifestWriter.CrdBasesDirectory}/{Path.GetFileName(f)}")
            .Where(f => !rendered.Contains(f))
            .ToList();
        Assert.True(stale.Count == 0, $"Stale generated files {string.Join(", ", stale)}; run make manifests and commit the result.");
    }

    [Fact]
    public void Render_IsDeterministic() => Assert.Equal(ManifestWriter.Render(), ManifestWriter.Render());
}
