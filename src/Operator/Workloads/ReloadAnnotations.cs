using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;

namespace Operator.Workloads;

/// <summary>
/// The annotations of the reload feature: <c>secrets.tfy.dev/reload</c> on a workload lists the groups it follows; the
/// operator keeps <c>restartedAt</c> and one <c>data-hash.&lt;group&gt;</c> per group on its pod template.
/// </summary>
public static class ReloadAnnotations
{
    public const string Reload = "secrets.tfy.dev/reload";
    public const string RestartedAt = "secrets.tfy.dev/restartedAt";
    public const string DataHashPrefix = "secrets.tfy.dev/data-hash.";

    private const string Prefix = "secrets.tfy.dev/";
    private const int MaxAnnotationNameLength = 63;

    /// <summary>The pod template annotation that records <paramref name="group"/>'s hash (name part shortened to 63 characters if needed).</summary>
    public static string DataHash(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var name = "data-hash." + group;
        if (name.Length > MaxAnnotationNameLength)
        {
            var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(group)))[..8];
            name = name[..(MaxAnnotationNameLength - 9)].TrimEnd('-', '.') + "-" + digest;
        }

        return Prefix + name;
    }

    /// <summary>The group names a workload's <see cref="Reload"/> annotation lists (comma-separated, spaces ignored).</summary>
    public static IReadOnlyList<string> GroupsOf(IKubernetesObject<V1ObjectMeta> workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return workload.Metadata?.Annotations?.TryGetValue(Reload, out var list) == true
            ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>Whether a pod template annotation is one the operator writes.</summary>
    public static bool IsOurs(string annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        return annotation == RestartedAt || annotation.StartsWith(DataHashPrefix, StringComparison.Ordinal);
    }
}
