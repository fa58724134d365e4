namespace Operator.Entities.V1Alpha1;

/// <summary>Labels and annotations of the API: those that mark what the operator manages, and those users may set.</summary>
public static class ManagedLabels
{
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "secretgroup-operator";
    public const string Group = "secrets.tfy.dev/group";
    public const string DataHash = "secrets.tfy.dev/data-hash";
    public const string HashSalt = "secrets.tfy.dev/hash-salt";

    /// <summary>On a Secret of creationPolicy Orphan (no owner reference): the uid of the group that manages it.</summary>
    public const string GroupUid = "secrets.tfy.dev/group-uid";

    /// <summary>On a Secret a group merges into (creationPolicy Merge): the group's uid, its keys and their keyed hash and salt.</summary>
    public const string MergedBy = "secrets.tfy.dev/merged-by";

    public const string MergedKeys = "secrets.tfy.dev/merged-keys";

    public const string MergedHash = "secrets.tfy.dev/merged-hash";

    public const string MergedSalt = "secrets.tfy.dev/merged-salt";

    /// <summary>
    /// On a Secret, set by whoever may edit it: the comma-separated names of the groups (of its namespace) allowed to Merge
    /// into it. Without it the operator would add keys for anyone who may create a group (a confused deputy).
    /// </summary>
    public const string MergeAllowedFrom = "secrets.tfy.dev/merge-allowed-from";

    /// <summary>
    /// On a ConfigMap, set by whoever may edit it: the comma-separated names of the groups (of its namespace) that may use
    /// it in templateFrom, or <c>*</c> for every group. Without it a group author could copy any ConfigMap of the namespace
    /// into a Secret, reading what their own RBAC may not.
    /// </summary>
    public const string TemplateAllowedFor = "secrets.tfy.dev/template-allowed-for";

    /// <summary>On a SecretGroup: when the REST API last changed its values; a change of it makes the group due at once.</summary>
    public const string ApiUpdatedAt = "secrets.tfy.dev/api-updated-at";

    /// <summary>On a SecretGroup: any new value asks for one sync now (as ESO's force-sync; the Argo CD "refresh" action sets it).</summary>
    public const string ForceSync = "secrets.tfy.dev/force-sync";

    /// <summary>The informer's label selector: the operator caches only the objects it manages.</summary>
    public const string Selector = ManagedBy + "=" + ManagedByValue;
}
