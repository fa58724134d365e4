using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>A printer column of a custom resource (<c>additionalPrinterColumns</c>).</summary>
internal sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority, string? Format);

/// <summary>Everything the emulator needs to serve one resource at one group/version.</summary>
internal sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced)
{
    public bool HasStatus { get; init; }

    /// <summary>Whether metadata.generation is kept (resources with a status subresource and all custom resources).</summary>
    public bool TracksGeneration { get; init; }

    public bool IsCustom { get; init; }

    public IReadOnlyList<string> ShortNames { get; init; } = [];

    /// <summary>Discovery categories, e.g. "all" for `kubectl get all`.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    public JsonObject? Schema { get; init; }

    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Set when another resource's storage holds these objects (events.k8s.io Events live with core Events).</summary>
    public string? SharedStorageKey { get; init; }

    /// <summary>All served versions of a resource share one storage, as in the real server.</summary>
    public string StorageKey => SharedStorageKey ?? $"{Group}/{Plural}";

    public string QualifiedPlural => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string ListKind => Kind + "List";
}

/// <summary>The table of served resources: the built-ins plus whatever the stored CRDs add.</summary>
internal sealed class ResourceRegistry
{
    private readonly List<ResourceType> _builtIns;
    private readonly Dictionary<string, List<ResourceType>> _custom = new(StringComparer.Ordinal);

    public ResourceRegistry()
    {
        _builtIns =
        [
            Core("namespaces", "namespace", "Namespace", false, ["ns"]) with { HasStatus = true },
            Core("secrets", "secret", "Secret", true, []),
            Core("configmaps", "configmap", "ConfigMap", true, ["cm"]),
            Core("events", "event", "Event", true, ["ev"]),
            Core("serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"]),
            Core("pods", "pod", "Pod", true, ["po"]) with { HasStatus = true, Categories = ["all"] },
            Core("services", "service", "Service", true, ["svc"]) with { HasStatus = true, Categories = ["all"] },
            new("events.k8s.io", "v1", "events", "event", "Event", true) { ShortNames = ["ev"], SharedStorageKey = "/events" },
            new("coordination.k8s.io", "v1", "leases", "lease", "Lease", true),
            new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true),
            new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true),
            new("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false),
            new("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false),
            Apps("deployments", "deployment", "Deployment", ["deploy"]),
            Apps("statefulsets", "statefulset", "StatefulSet", ["sts"]),
            Apps("daemonsets", "daemonset", "DaemonSet", ["ds"]),
            new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false),
            new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false)
            {
                HasStatus = true,
                ShortNames = ["crd", "crds"],
            },
        ];
    }

    public static ResourceType CrdType { get; } = new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false) { HasStatus = true };

    public static ResourceType NamespaceType { get; } = Core("namespaces", "namespace", "Namespace", false, ["ns"]) with { HasStatus = true };

    public IEnumerable<ResourceType> All => _builtIns.Concat(_custom.Values.SelectMany(v => v));

    public ResourceType? Find(string group, string version, string plural) =>
        All.FirstOrDefault(t => t.Group == group && t.Version == version && t.Plural == plural);

    /// <summary>Bumped whenever the served resources change, so documents derived from them are rebuilt.</summary>
    public long Revision { get; private set; }

    /// <summary>Registers (or replaces) the resources a CRD serves; keyed by the CRD name.</summary>
    public void SetCustom(string crdName, IReadOnlyList<ResourceType> types)
    {
        _custom[crdName] = [.. types];
        Revision++;
    }

    public void RemoveCustom(string crdName)
    {
        _custom.Remove(crdName);
        Revision++;
    }

    public IReadOnlyList<ResourceType> CustomOf(string crdName) =>
        _custom.TryGetValue(crdName, out var types) ? types : [];

    private static ResourceType Core(string plural, string singular, string kind, bool namespaced, string[] shortNames) =>
        new("", "v1", plural, singular, kind, namespaced) { ShortNames = shortNames };

    private static ResourceType Apps(string plural, string singular, string kind, string[] shortNames) =>
        new("apps", "v1", plural, singular, kind, true) { HasStatus = true, TracksGeneration = true, ShortNames = shortNames, Categories = ["all"] };
}
