using k8s;
using k8s.Models;

namespace Operator.Manifests;

/// <summary>Renders the generated manifests (CRDs and their kustomization) and writes them under a repository root.</summary>
public static class ManifestWriter
{
    /// <summary>Folder, relative to the repository root, that holds only generated CRD files.</summary>
    public const string CrdBasesDirectory = "config/crd/bases";

    /// <summary>The Helm chart's crds/ folder: the same files as <see cref="CrdBasesDirectory"/>, so helm installs them first.</summary>
    public const string ChartCrdsDirectory = "charts/secretgroup-operator/crds";

    private const string Header =
        "# Generated from the entity classes in src/Operator/Entities by `make manifests`. Do not edit by hand.\n";

    /// <summary>Relative path (with <c>/</c>) to file content, in path order; nothing is written.</summary>
    public static IReadOnlyDictionary<string, string> Render()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var crd in CrdGenerator.GenerateAll())
        {
            var content = Header + "---\n" + Normalize(KubernetesYaml.Serialize(crd));
            files.Add($"{CrdBasesDirectory}/{FileName(crd)}", content);
            files.Add($"{ChartCrdsDirectory}/{FileName(crd)}", content);
        }

        foreach (var (path, content) in ConfigWriter.Render().Concat(ChartWriter.Render()))
        {
            files.Add(path, content);
        }

        var resources = files.Keys.Where(path => path.StartsWith(CrdBasesDirectory, StringComparison.Ordinal)).Select(path => "- " + path["config/crd/".Length..] + "\n");
        files.Add("config/crd/kustomization.yaml", Header +
            "apiVersion: kustomize.config.k8s.io/v1beta1\n" +
            "kind: Kustomization\n" +
            "resources:\n" +
            string.Concat(resources));
        return files;
    }

    /// <summary>Writes every rendered file under <paramref name="repoRoot"/> and removes stale CRD files; returns the paths written.</summary>
    public static IReadOnlyList<string> Write(string repoRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(repoRoot);
        var files = Render();
        var written = new List<string>();
        foreach (var (relativePath, content) in files)
        {
            var path = Path.Combine(repoRoot, relativePath);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || File.ReadAllText(path) != content)
            {
                File.WriteAllText(path, content);
                written.Add(relativePath);
            }
        }

        // The CRD folders are entirely generated: a CRD whose entity was renamed or removed must not linger.
        foreach (var directory in new[] { CrdBasesDirectory, ChartCrdsDirectory })
        {
            foreach (var stale in Directory.EnumerateFiles(Path.Combine(repoRoot, directory), "*.yaml"))
            {
                if (!files.ContainsKey($"{directory}/{Path.GetFileName(stale)}"))
                {
                    File.Delete(stale);
                }
            }
        }

        // deploy/install.yaml is kustomize's rendering of config/default, so only a checkout (not a bare output folder) gets it.
        if (InstallManifest.HasSources(repoRoot))
        {
            var install = Path.Combine(repoRoot, InstallManifest.RelativePath);
            var content = InstallManifest.Render(repoRoot);
            if (!File.Exists(install) || File.ReadAllText(install) != content)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(install)!);
                File.WriteAllText(install, content);
                written.Add(InstallManifest.RelativePath);
            }
        }

        return written;
    }

    /// <summary>kubebuilder's file name: <c>&lt;group&gt;_&lt;plural&gt;.yaml</c>.</summary>
    public static string FileName(V1CustomResourceDefinition crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        return $"{crd.Spec.Group}_{crd.Spec.Names.Plural}.yaml";
    }

    private static string Normalize(string yaml) => yaml.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
}
