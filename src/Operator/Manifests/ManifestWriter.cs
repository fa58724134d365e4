using k8s;
using k8s.Models;

namespace Operator.Manifests;

/// <summary>Renders the generated manifests (CRDs and their kustomization) and writes them under a repository root.</summary>
public static class ManifestWriter
{
    /// <summary>Folder, relative to the repository root, that holds only generated CRD files.</summary>
    public const string CrdBasesDirectory = "config/crd/bases";

    private const string Header =
        "# Generated from the entity classes in src/Operator/Entities by `make manifests`. Do not edit by hand.\n";

    /// <summary>Relative path (with <c>/</c>) to file content, in path order; nothing is written.</summary>
    public static IReadOnlyDictionary<string, string> Render()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var crd in CrdGenerator.GenerateAll())
        {
            files.Add($"{CrdBasesDirectory}/{FileName(crd)}", Header + "---\n" + Normalize(KubernetesYaml.Serialize(crd)));
        }

        var resources = files.Keys.Select(path => "- " + path["config/crd/".Length..] + "\n");
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

        // The bases folder is entirely generated: a CRD whose entity was renamed or removed must not linger.
        foreach (var stale in Directory.EnumerateFiles(Path.Combine(repoRoot, CrdBasesDirectory), "*.yaml"))
        {
            if (!files.ContainsKey($"{CrdBasesDirectory}/{Path.GetFileName(stale)}"))
            {
                File.Delete(stale);
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
