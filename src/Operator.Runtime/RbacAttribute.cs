namespace Operator.Runtime;

/// <summary>
/// A permission the annotated class needs, with the reason, declared next to the code that uses it (as KubeOps'
/// <c>[EntityRbac]</c>). <c>make manifests</c> turns every declaration into the ClusterRole and Roles of config/rbac and
/// the chart; a verb no class declares is not granted.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class RbacAttribute(string apiGroup, string resource, string verbs, string reason) : Attribute
{
    /// <summary>The API group; empty for the core group.</summary>
    public string ApiGroup { get; } = apiGroup;

    /// <summary>One resource, with its subresource if any (<c>secretgroups/status</c>).</summary>
    public string Resource { get; } = resource;

    /// <summary>Comma-separated verbs (<c>get,list,watch</c>).</summary>
    public string Verbs { get; } = verbs;

    /// <summary>Why the operator needs it, one line; it becomes the rule's comment.</summary>
    public string Reason { get; } = reason;

    public RbacScope Scope { get; init; } = RbacScope.WatchedNamespaces;

    /// <summary>The feature that needs it (a name the manifest generator knows); empty: always.</summary>
    public string Feature { get; init; } = "";

    /// <summary>Limits the rule to the one object named by this flag (e.g. <c>webhook-config-name</c>).</summary>
    public string? ResourceNameFlag { get; init; }
}
