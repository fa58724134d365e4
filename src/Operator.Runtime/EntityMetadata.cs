using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace Operator.Runtime;

/// <summary>Group, version, kind, plural and scope of an entity type, read from its <see cref="KubernetesEntityAttribute"/>.</summary>
public sealed class EntityMetadata
{
    private static readonly ConcurrentDictionary<Type, EntityMetadata> Cache = new();

    // Built-in kinds we may watch that are cluster-scoped; everything else from KubernetesClient is namespaced.
    private static readonly HashSet<Type> BuiltInClusterScoped =
    [
        typeof(V1Namespace),
        typeof(V1ClusterRole),
        typeof(V1ClusterRoleBinding),
        typeof(V1CustomResourceDefinition),
        typeof(V1MutatingWebhookConfiguration),
        typeof(V1ValidatingWebhookConfiguration),
        typeof(V1Node),
        typeof(V1PersistentVolume),
        typeof(V1StorageClass),
        typeof(V1PriorityClass),
    ];

    private EntityMetadata(string group, string version, string kind, string plural, bool namespaced)
    {
        Group = group;
        Version = version;
        Kind = kind;
        Plural = plural;
        Namespaced = namespaced;
    }

    public string Group { get; }

    public string Version { get; }

    public string Kind { get; }

    public string Plural { get; }

    public bool Namespaced { get; }

    /// <summary>"group/version", or just the version for the core group (e.g. "v1").</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static EntityMetadata For<T>() => For(typeof(T));

    public static EntityMetadata For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Cache.GetOrAdd(type, Create);
    }

    public override string ToString() => $"{Kind}.{ApiVersion} ({Plural})";

    private static EntityMetadata Create(Type type)
    {
        var entity = type.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{type.FullName} has no [KubernetesEntity] attribute.");
        if (string.IsNullOrEmpty(entity.Kind) || string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.PluralName))
        {
            throw new InvalidOperationException($"[KubernetesEntity] on {type.FullName} must set Kind, ApiVersion and PluralName.");
        }

        var namespaced = !BuiltInClusterScoped.Contains(type) && type.GetCustomAttribute<ClusterScopedAttribute>() is null;
        return new EntityMetadata(entity.Group ?? string.Empty, entity.ApiVersion, entity.Kind, entity.PluralName, namespaced);
    }
}
