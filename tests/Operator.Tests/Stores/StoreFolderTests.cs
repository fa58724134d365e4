using System.Text.RegularExpressions;
using k8s;
using Microsoft.Extensions.DependencyInjection;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Stores;
using Operator.Tests.Manifests;

namespace Operator.Tests.Stores;

/// <summary>A store is one folder plus one registration line: everything that lists providers derives from the spec's blocks.</summary>
public sealed class StoreFolderTests
{
    /// <summary>
    /// Files outside <c>Stores/&lt;Provider&gt;/</c> folders that name a provider today: the spec block files and the
    /// integration spec, the registration line, and tests that run several stores at once (canary scan, chaos,
    /// metrics, benchmarks, the harness's built-in store). Lower it when a change removes one; never raise it.
    /// </summary>
    private const int FilesNamingAProviderOutsideItsFolder = 30;

    [Fact]
    public void EveryProviderBlock_HasExactlyOneRegisteredStore()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IKubernetes>(new Kubernetes(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1" }))
            .AddSecretStores()
            .BuildServiceProvider();

        var registry = services.GetRequiredService<StoreRegistry>();

        Assert.Equal(ProviderBlocks.Names, registry.Providers.Select(p => p.Segment));
        Assert.Equal(ProviderBlocks.Names, ProviderSegments.All);
    }

    [Fact]
    public void ProviderLists_TheFqnPatternAndMessages_FollowTheBlocks()
    {
        var list = string.Join(", ", ProviderBlocks.Names);

        Assert.Equal("^[a-z0-9]([-a-z0-9]*[a-z0-9])?:(" + string.Join('|', ProviderBlocks.Names) + "):[a-z0-9]([-a-z0-9]*[a-z0-9])?:secret-store:[a-z0-9]([-a-z0-9]*[a-z0-9])?$", Patterns.IntegrationFqn);
        Assert.Equal($"spec: exactly one of {list} must be set, found 2", ProviderBlocks.ExactlyOneProblem(2));
        Assert.False(ReferenceParser.TryParseIntegrationFqn("t:nope:a:secret-store:n", "f", out _, out var error));
        Assert.Contains($"is not one of {list}", error, StringComparison.Ordinal);
        Assert.Equal(["aws"], StoreRegistry.ProvidersIn(new SecretStoreIntegrationSpec { Aws = new AwsStoreSpec() }).Select(p => p.Segment));
    }

    [Fact]
    public void FilesNamingAProvider_OutsideTheirStoreFolder_DoNotGrow()
    {
        var outside = FilesNamingProvidersOutsideTheirFolders();

        Assert.True(
            outside.Count <= FilesNamingAProviderOutsideItsFolder,
            $"{outside.Count} files outside Stores/<Provider>/ name a provider (at most {FilesNamingAProviderOutsideItsFolder}); move provider code into its folder:\n{string.Join("\n", outside)}");
    }

    /// <summary>
    /// A file names a provider when it mentions its spec block (<c>AwsStoreSpec</c>, <c>spec.Aws</c>), its namespaces
    /// (<c>Stores.Aws</c>), a type declared in its folders (<c>SsmStore</c>, <c>SsmFake</c>) or its FQN segment (<c>:aws:</c>).
    /// </summary>
    private static List<string> FilesNamingProvidersOutsideTheirFolders()
    {
        var root = RepositoryRoot.Path;
        var sources = new[] { "src", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(root, d), "*.cs", SearchOption.AllDirectories))
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .ToList();
        var folders = ProviderBlocks.Names.Select(n => ProviderBlocks.Property(n)!.Name).ToList();
        var tokens = folders.Select((folder, i) =>
        {
            var types = sources
                .Where(f => f.Contains($"/Stores/{folder}/", StringComparison.Ordinal))
                .Select(f => Path.GetFileNameWithoutExtension(f).Split('.')[0])
                .Where(t => !t.EndsWith("Tests", StringComparison.Ordinal))
                .Distinct(StringComparer.Ordinal);
            return new Regex(
                $@"\b{folder}StoreSpec\b|\b[Ss]pec\.{folder}\b|\bStores\.{folder}\b|:{ProviderBlocks.Names[i]}:|\b({string.Join('|', types)})\b",
                RegexOptions.CultureInvariant);
        }).ToList();

        return [.. sources
            .Where(f => !folders.Any(folder => f.Contains($"/Stores/{folder}/", StringComparison.Ordinal)) && !f.EndsWith($"/{nameof(StoreFolderTests)}.cs", StringComparison.Ordinal))
            .Where(f => tokens.Any(t => t.IsMatch(File.ReadAllText(Path.Combine(root, f)))))
            .Order(StringComparer.Ordinal)];
    }
}
