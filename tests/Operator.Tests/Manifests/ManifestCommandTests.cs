using Operator.Manifests;

namespace Operator.Tests.Manifests;

public sealed class ManifestCommandTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("manifests-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public void GenerateManifests_WritesEveryRenderedFile()
    {
        var stdout = new StringWriter();

        var exitCode = ManifestCommand.Run(["generate-manifests", "--output", _output], stdout, TextWriter.Null);

        Assert.Equal(0, exitCode);
        foreach (var (path, content) in ManifestWriter.Render())
        {
            Assert.Equal(content, File.ReadAllText(Path.Combine(_output, path)));
        }

        Assert.Contains("wrote config/crd/kustomization.yaml", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateManifests_RemovesACrdNoEntityProducesAnyMore()
    {
        var stale = Path.Combine(_output, ManifestWriter.CrdBasesDirectory, "secrets.tfy.dev_oldkinds.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.WriteAllText(stale, "old");

        Assert.Equal(0, ManifestCommand.Run([$"--output={_output}"], TextWriter.Null, TextWriter.Null));

        Assert.False(File.Exists(stale));
    }

    [Theory]
    [InlineData("")]
    [InlineData("generate-manifests")]
    [InlineData("generate-manifests --output")]
    [InlineData("generate-manifests --out .")]
    [InlineData("generate-manifests --output . extra")]
    public void GenerateManifests_WithoutOutput_IsAUsageError(string commandLine)
    {
        var stderr = new StringWriter();
        var args = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(2, ManifestCommand.Run(args, TextWriter.Null, stderr));
        Assert.Contains("--output", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GenerateManifests_ToAMissingDirectory_FailsWithoutWriting()
    {
        var missing = Path.Combine(_output, "missing");

        Assert.Equal(2, ManifestCommand.Run(["generate-manifests", "--output", missing], TextWriter.Null, TextWriter.Null));
        Assert.False(Directory.Exists(missing));
    }
}
