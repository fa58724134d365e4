using System.Text.Json.Nodes;
using k8s.Models;
using Microsoft.Extensions.Options;
using Operator.Controllers;
using Operator.Entities.V1Alpha1;
using Operator.References;
using Operator.Runtime;

namespace Operator.Webhooks;

/// <summary>
/// Turns <c>tfy-secret://</c> env values into <c>secretKeyRef</c>s and <c>secrets.tfy.dev/mount.*</c> annotations into
/// Secret volumes, against SecretGroups in the Pod's own namespace (the informer cache); anything it cannot resolve
/// refuses the Pod with a message saying how to fix it. A reference resolves only to a group that owns its FQN, and
/// only to a Secret that group owns: its status is a pointer, never trusted alone.
/// </summary>
public sealed class PodMutator(IResourceCache<SecretGroup> groups, GroupDirectory directory, IResourceCache<V1Secret> secrets, IOptions<TenancyOptions> options)
{
    /// <summary>Prefix of a mount annotation: <c>secrets.tfy.dev/mount.&lt;name&gt;: "tfy-secret://t:g:k=/dir/file"</c>.</summary>
    public const string MountAnnotationPrefix = "secrets.tfy.dev/mount.";

    /// <summary>Comma-separated container names that get the mounts; all containers when absent.</summary>
    public const string MountContainersAnnotation = "secrets.tfy.dev/mount-containers";

    /// <summary>Prefix of the volume a mount annotation adds.</summary>
    public const string VolumePrefix = "tfy-";

    private static readonly string[] ContainerLists = ["initContainers", "containers"];

    public PodMutation Mutate(JsonObject pod, string ns)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var spec = pod["spec"] as JsonObject;
        if (spec is null)
        {
            return PodMutation.Unchanged;
        }

        var patch = new JsonArray();
        var problems = new List<string>();
        var badRequest = false;
        foreach (var list in ContainerLists)
        {
            var containers = spec[list] as JsonArray ?? [];
            for (var i = 0; i < containers.Count; i++)
            {
                var env = containers[i]?["env"] as JsonArray ?? [];
                for (var j = 0; j < env.Count; j++)
                {
                    if (env[j]?["value"] is not JsonValue v || !v.TryGetValue<string>(out var text) || !LooksLikeReference(text))
                    {
                        continue;
                    }

                    var name = env[j]?["name"]?.GetValue<string>() ?? "";
                    var field = $"spec.{list}[{i}].env[{j}] ({name})";
                    var target = Resolve(text, field, ns, problems, ref badRequest);
                    if (target is not null)
                    {
                        patch.Add(Op("replace", $"/spec/{list}/{i}/env/{j}", new JsonObject
                        {
                            ["name"] = name,
                            ["valueFrom"] = new JsonObject { ["secretKeyRef"] = new JsonObject { ["name"] = target.Value.Secret, ["key"] = target.Value.Key } },
                        }));
                    }
                }
            }
        }

        AddMounts(pod, spec, ns, patch, problems, ref badRequest);
        if (problems.Count > 0)
        {
            return PodMutation.Refused(badRequest ? 400 : 403, string.Join("; ", problems));
        }

        return patch.Count == 0 ? PodMutation.Unchanged : PodMutation.Patched(patch);
    }

    private static bool LooksLikeReference(string text) => text.StartsWith("tfy-secret:", StringComparison.OrdinalIgnoreCase);

    /// <summary>The managed Secret and key a reference stands for, or null with the reason added to <paramref name="problems"/>.</summary>
    private (string Secret, string Key)? Resolve(string text, string field, string ns, List<string> problems, ref bool badRequest)
    {
        if (!ReferenceParser.TryParseSecretFqn(text, field, out var fqn, out var error))
        {
            problems.Add(error);
            badRequest = true;
            return null;
        }

        var tenant = options.Value.Tenant;
        if (fqn.Tenant != tenant)
        {
            problems.Add($"{field}: {fqn}: tenant '{fqn.Tenant}' is not this cluster's tenant '{tenant}'; use tfy-secret://{tenant}:{fqn.Group}:{fqn.Key}");
            return null;
        }

        var group = groups.Get(new ObjectKey(ns, fqn.Group));
        if (group is null)
        {
            problems.Add($"{field}: {fqn}: no SecretGroup '{fqn.Group}' in namespace '{ns}'; create a SecretGroup in this namespace "
                + $"whose key aliases it (remoteRef: {fqn}), or reference a group of this namespace");
            return null;
        }

        if (directory.OwnerOf(fqn.Group)?.Metadata.Uid != group.Metadata.Uid)
        {
            problems.Add($"{field}: {fqn}: SecretGroup '{fqn.Group}' in namespace '{ns}' does not own the name '{fqn.GroupFqn}' (its Ready condition says FqnConflict); rename it and reference the new name");
            return null;
        }

        var keys = group.Spec.Secrets?.Select(s => s.Key).ToList() ?? [];
        if (!keys.Contains(fqn.Key, StringComparer.Ordinal))
        {
            problems.Add($"{field}: {fqn}: SecretGroup '{fqn.Group}' in namespace '{ns}' has no key '{fqn.Key}'; add it to the group's spec.secrets "
                + $"(keys now: {(keys.Count == 0 ? "none" : string.Join(", ", keys.Take(20)))})");
            return null;
        }

        var named = group.Status?.SecretName;
        if (named is null)
        {
            // Not synced yet: the Secret it will write (the kubelet waits for it).
            return (group.Spec.Target?.Name ?? group.Metadata.Name, fqn.Key);
        }

        var owned = secrets.Get(new ObjectKey(ns, named));
        if (owned is null || !GroupOwnership.IsManagedSecretOf(owned.Metadata, group))
        {
            problems.Add($"{field}: {fqn}: SecretGroup '{fqn.Group}' in namespace '{ns}' does not own Secret '{named}' that its status names; wait until the group is Ready");
            return null;
        }

        return (named, fqn.Key);
    }

    private void AddMounts(JsonObject pod, JsonObject spec, string ns, JsonArray patch, List<string> problems, ref bool badRequest)
    {
        var annotations = pod["metadata"]?["annotations"] as JsonObject;
        var mounts = annotations?.Where(a => a.Key.StartsWith(MountAnnotationPrefix, StringComparison.Ordinal)).OrderBy(a => a.Key, StringComparer.Ordinal).ToList() ?? [];
        if (mounts.Count == 0)
        {
            return;
        }

        var targets = SelectContainers(spec, annotations![MountContainersAnnotation]?.GetValue<string>(), problems, ref badRequest);
        var existingVolumes = (spec["volumes"] as JsonArray ?? []).Select(v => v?["name"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var directories = new Dictionary<string, string>(StringComparer.Ordinal);
        var newVolumes = new List<JsonObject>();
        var newMounts = new List<JsonObject>();
        foreach (var (annotation, node) in mounts)
        {
            var mountName = annotation[MountAnnotationPrefix.Length..];
            var field = $"metadata.annotations[{annotation}]";
            var volumeName = VolumePrefix + mountName;
            if (!ReferenceParser.IsValidName(volumeName) || mountName.Length == 0)
            {
                problems.Add($"{field}: '{mountName}' must be a lowercase DNS label of at most {63 - VolumePrefix.Length} characters (it names the volume '{VolumePrefix}<name>')");
                badRequest = true;
                continue;
            }

            var value = node?.GetValue<string>() ?? "";
            var eq = value.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                problems.Add($"{field}: expected 'tfy-secret://<tenant>:<group>:<key>=/absolute/path/file', got no '='");
                badRequest = true;
                continue;
            }

            var path = value[(eq + 1)..];
            var pathProblem = DescribeBadPath(path);
            if (pathProblem is not null)
            {
                problems.Add($"{field}: path '{path}' {pathProblem}");
                badRequest = true;
                continue;
            }

            var target = Resolve(value[..eq], field, ns, problems, ref badRequest);
            if (target is null)
            {
                continue;
            }

            var slash = path.LastIndexOf('/');
            var directory = path[..slash];
            var file = path[(slash + 1)..];
            if (directories.TryGetValue(directory, out var other))
            {
                problems.Add($"{field}: directory '{directory}' is already used by mount '{other}'; each mount needs its own directory (the volume is mounted at the directory)");
                badRequest = true;
                continue;
            }

            directories[directory] = mountName;
            if (existingVolumes.Contains(volumeName))
            {
                // Already mutated (a re-invocation): leave the Pod's volumes as they are.
                continue;
            }

            newVolumes.Add(new JsonObject
            {
                ["name"] = volumeName,
                ["secret"] = new JsonObject
                {
                    ["secretName"] = target.Value.Secret,
                    ["items"] = new JsonArray(new JsonObject { ["key"] = target.Value.Key, ["path"] = file }),
                },
            });
            newMounts.Add(new JsonObject { ["name"] = volumeName, ["mountPath"] = directory, ["readOnly"] = true });
        }

        if (problems.Count > 0 || newVolumes.Count == 0)
        {
            return;
        }

        AppendAll(patch, "/spec/volumes", spec["volumes"] is JsonArray, newVolumes);
        foreach (var (list, index, container) in targets)
        {
            var used = (container["volumeMounts"] as JsonArray ?? []).Select(m => m?["mountPath"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
            var clash = newMounts.FirstOrDefault(m => used.Contains(m["mountPath"]!.GetValue<string>()));
            if (clash is not null)
            {
                problems.Add($"spec.{list}[{index}]: already mounts something at '{clash["mountPath"]}'; choose another directory for mount '{clash["name"]!.GetValue<string>()[VolumePrefix.Length..]}'");
                badRequest = true;
                continue;
            }

            AppendAll(patch, $"/spec/{list}/{index}/volumeMounts", container["volumeMounts"] is JsonArray, newMounts);
        }
    }

    private static List<(string List, int Index, JsonObject Container)> SelectContainers(JsonObject spec, string? names, List<string> problems, ref bool badRequest)
    {
        var all = ContainerLists
            .SelectMany(list => (spec[list] as JsonArray ?? []).Select((c, i) => (List: list, Index: i, Container: (JsonObject)c!)))
            .ToList();
        if (string.IsNullOrWhiteSpace(names))
        {
            return all;
        }

        var wanted = names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = all.Select(c => c.Container["name"]?.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var unknown = wanted.Where(w => !known.Contains(w)).ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"metadata.annotations[{MountContainersAnnotation}]: no container named {string.Join(", ", unknown.Select(u => $"'{u}'"))}; containers: {string.Join(", ", known)}");
            badRequest = true;
        }

        return all.Where(c => wanted.Contains(c.Container["name"]?.GetValue<string>(), StringComparer.Ordinal)).ToList();
    }

    private static string? DescribeBadPath(string path)
    {
        if (!path.StartsWith('/'))
        {
            return "must be absolute (start with '/')";
        }

        var segments = path.Split('/');
        if (segments.Length < 3)
        {
            return "must name a file inside a directory, like /etc/secrets/password (the volume is mounted at the directory)";
        }

        if (segments.Skip(1).Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            return "must not contain empty, '.' or '..' segments or end with '/'";
        }

        return path.Contains(':', StringComparison.Ordinal) ? "must not contain ':'" : null;
    }

    private static void AppendAll(JsonArray patch, string arrayPath, bool exists, List<JsonObject> items)
    {
        if (!exists)
        {
            patch.Add(Op("add", arrayPath, new JsonArray([.. items.Select(i => i.DeepClone())])));
            return;
        }

        foreach (var item in items)
        {
            patch.Add(Op("add", arrayPath + "/-", item.DeepClone()));
        }
    }

    private static JsonObject Op(string op, string path, JsonNode value) => new() { ["op"] = op, ["path"] = path, ["value"] = value };
}
