using System.Text;
using Microsoft.Extensions.Primitives;
using Operator.References;

namespace Operator.Tests.References;

public sealed class K8sSecretResolverTests
{
    private const string Value = "s3cr3t-value-do-not-leak";
    private const string OutsideValue = "outside-value-do-not-leak";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void DefaultsToTheDocumentedMountPath() =>
        Assert.Equal("/opt/truefoundry/tfy-k8s-secrets", new K8sSecretResolverOptions().MountPath);

    [Fact]
    public async Task ReadsAKey_ThroughTheKubeletSymlinks()
    {
        using var volume = SecretVolume.Create(("AWS_ACCESS_KEY_ID", Value), ("OTHER", "x"));
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("AWS_ACCESS_KEY_ID", Ct);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal(Value, result.Value);
        Assert.Equal(volume.CurrentDataDirectory, result.Version);
    }

    [Fact]
    public async Task ReadsAParsedReference_ValueVerbatimIncludingTrailingNewline()
    {
        using var volume = SecretVolume.Create(("TOKEN", "line\n"));
        using var resolver = Resolver(volume);
        var reference = Assert.IsType<K8sSecretReference>(
            ReferenceParser.ParseReference("tfy-k8s-secret://TOKEN", "spec.aws.auth.accessKeyId", ReferenceForms.All));

        var result = await resolver.ResolveAsync(reference, Ct);

        Assert.Equal("line\n", result.Value);
    }

    [Fact]
    public async Task ReadsTheNewValue_AfterTheDataLinkIsSwapped()
    {
        using var volume = SecretVolume.Create(("TOKEN", "old"));
        using var resolver = Resolver(volume);
        var before = resolver.CurrentVersion();

        volume.Update(("TOKEN", "new"), ("ADDED", "added"));

        Assert.NotEqual(before, resolver.CurrentVersion());
        Assert.Equal(volume.CurrentDataDirectory, resolver.CurrentVersion());
        Assert.Equal("new", (await resolver.ResolveAsync("TOKEN", Ct)).Value);
        Assert.Equal("added", (await resolver.ResolveAsync("ADDED", Ct)).Value);
    }

    [Fact]
    public void PollForChanges_FiresTheChangeTokenOnce_WhenTheVolumeIsSwapped()
    {
        using var volume = SecretVolume.Create(("TOKEN", "old"));
        using var resolver = Resolver(volume);
        var token = resolver.GetChangeToken();
        var fired = 0;
        using var registration = token.RegisterChangeCallback(_ => fired++, null);

        Assert.False(resolver.PollForChanges());
        Assert.False(token.HasChanged);

        volume.Update(("TOKEN", "new"));

        Assert.True(resolver.PollForChanges());
        Assert.True(token.HasChanged);
        Assert.Equal(1, fired);
        Assert.False(resolver.PollForChanges());
        Assert.False(resolver.GetChangeToken().HasChanged);
    }

    [Fact]
    public void ChangeTokenWorksWithChangeTokenOnChange()
    {
        using var volume = SecretVolume.Create(("TOKEN", "v1"));
        using var resolver = Resolver(volume);
        var changes = 0;
        using var subscription = ChangeToken.OnChange(resolver.GetChangeToken, () => changes++);

        volume.Update(("TOKEN", "v2"));
        resolver.PollForChanges();
        volume.Update(("TOKEN", "v3"));
        resolver.PollForChanges();

        Assert.Equal(2, changes);
    }

    [Fact]
    public void VersionFollowsFileTimes_WhenThereIsNoDataLink()
    {
        using var volume = SecretVolume.Create();
        Directory.Delete(volume.DataLink);
        var file = Path.Combine(volume.Mount, "TOKEN");
        File.WriteAllText(file, "v1");
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        using var resolver = Resolver(volume);
        var before = resolver.CurrentVersion();

        File.WriteAllText(file, "v2");
        File.SetLastWriteTimeUtc(file, new DateTime(2026, 1, 1, 0, 0, 1, DateTimeKind.Utc));

        Assert.StartsWith("files:", before, StringComparison.Ordinal);
        Assert.NotEqual(before, resolver.CurrentVersion());
        Assert.True(resolver.PollForChanges());
        Assert.DoesNotContain("v1", before, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside/secret")]
    [InlineData("..")]
    [InlineData("..data")]
    [InlineData("a/b")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    public async Task RefusesKeysThatAreNotSecretKeys_BeforeTouchingTheDisk(string key)
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        File.WriteAllText(Path.Combine(volume.Outside, "secret"), OutsideValue);
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync(key, Ct);

        Assert.Equal(K8sSecretFailure.InvalidKey, result.Failure);
        Assert.Null(result.Value);
        Assert.StartsWith("cannot read tfy-k8s-secret://<KEY>: key", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(OutsideValue, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefusesASymlinkThatLeadsOutsideTheMount(bool absolute)
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        var outsideFile = Path.Combine(volume.Outside, "secret");
        File.WriteAllText(outsideFile, OutsideValue);
        File.CreateSymbolicLink(Path.Combine(volume.Mount, "EVIL"), absolute ? outsideFile : "../outside/secret");
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("EVIL", Ct);

        Assert.Equal(K8sSecretFailure.OutsideMount, result.Failure);
        Assert.Contains("resolves outside the mount", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(OutsideValue, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesAnEscapeHiddenInsideTheDataDirectory()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        File.WriteAllText(Path.Combine(volume.Outside, "secret"), OutsideValue);
        // ..data/EVIL -> ../../outside/secret, and EVIL -> ..data/EVIL like a real key.
        File.CreateSymbolicLink(Path.Combine(volume.Mount, volume.CurrentDataDirectory, "EVIL"), "../../outside/secret");
        File.CreateSymbolicLink(Path.Combine(volume.Mount, "EVIL"), "..data/EVIL");
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("EVIL", Ct);

        Assert.Equal(K8sSecretFailure.OutsideMount, result.Failure);
    }

    [Fact]
    public async Task MissingKey_NamesKeyAndMount_ButNoValue()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("NOT_THERE", Ct);

        Assert.Equal(K8sSecretFailure.NotFound, result.Failure);
        Assert.Contains("key 'NOT_THERE'", result.Error, StringComparison.Ordinal);
        Assert.Contains($"mount '{volume.Mount}'", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Value, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingMount_SaysTheVolumeIsNotMounted()
    {
        using var resolver = new K8sSecretResolver(new K8sSecretResolverOptions { MountPath = "/nonexistent/tfy-k8s-secrets" });

        var result = await resolver.ResolveAsync("TOKEN", Ct);

        Assert.Equal(K8sSecretFailure.NotFound, result.Failure);
        Assert.Contains("the mount does not exist", result.Error, StringComparison.Ordinal);
        Assert.Equal("missing", resolver.CurrentVersion());
    }

    [Fact]
    public async Task DanglingKeyLink_IsNotFound()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        File.CreateSymbolicLink(Path.Combine(volume.Mount, "GONE"), "..data/GONE");
        using var resolver = Resolver(volume);

        Assert.Equal(K8sSecretFailure.NotFound, (await resolver.ResolveAsync("GONE", Ct)).Failure);
    }

    [Fact]
    public async Task ADirectory_IsNotAFile()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        Directory.CreateDirectory(Path.Combine(volume.Mount, "DIR"));
        using var resolver = Resolver(volume);

        Assert.Equal(K8sSecretFailure.NotAFile, (await resolver.ResolveAsync("DIR", Ct)).Failure);
    }

    [Fact]
    public async Task InvalidUtf8_IsReportedWithoutTheBytes()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        File.WriteAllBytes(Path.Combine(volume.Mount, volume.CurrentDataDirectory, "BINARY"), [0x41, 0xC3, 0x28, 0x42]);
        File.CreateSymbolicLink(Path.Combine(volume.Mount, "BINARY"), "..data/BINARY");
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("BINARY", Ct);

        Assert.Equal(K8sSecretFailure.NotUtf8, result.Failure);
        Assert.Contains("is not valid UTF-8", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorksWhenTheMountPathItselfIsASymlink()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        var linkedMount = Path.Combine(volume.Root, "linked-mount");
        Directory.CreateSymbolicLink(linkedMount, volume.Mount);
        using var resolver = new K8sSecretResolver(new K8sSecretResolverOptions { MountPath = linkedMount + "/" });

        var result = await resolver.ResolveAsync("TOKEN", Ct);

        Assert.Equal(Value, result.Value);
    }

    [Fact]
    public async Task ResultToString_RedactsTheValue()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        using var resolver = Resolver(volume);

        var result = await resolver.ResolveAsync("TOKEN", Ct);

        Assert.Contains("<redacted>", result.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Value, result.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefusesFilesLargerThanASecretCanHold()
    {
        using var volume = SecretVolume.Create(("BIG", new string('x', K8sSecretResolver.MaxValueBytes + 1)));
        using var resolver = Resolver(volume);

        Assert.Equal(K8sSecretFailure.TooLarge, (await resolver.ResolveAsync("BIG", Ct)).Failure);
    }

    [Fact]
    public async Task HonoursCancellation()
    {
        using var volume = SecretVolume.Create(("TOKEN", Value));
        using var resolver = Resolver(volume);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await resolver.ResolveAsync("TOKEN", new CancellationToken(canceled: true)));
    }

    private static K8sSecretResolver Resolver(SecretVolume volume) =>
        new(new K8sSecretResolverOptions { MountPath = volume.Mount });
}
