using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

internal sealed partial class ResourceOperations
{
    private JsonObject DeleteLocked(ResourceType type, JsonObject old, bool orphan)
    {
        var isNamespace = type.StorageKey == ResourceRegistry.NamespaceType.StorageKey;
        if (isNamespace && Meta.Name(old) is "default" or "kube-system" or "kube-public")
        {
            throw new KubeApiException(403, "Forbidden", $"namespaces \"{Meta.Name(old)}\" is forbidden: this namespace may not be deleted");
        }

        if (Meta.Finalizers(old).Count > 0 || isNamespace)
        {
            if (Meta.IsDeleting(old))
            {
                return old.DeepClone().AsObject();
            }

            var marked = old.DeepClone().AsObject();
            var metadata = Meta.Of(marked);
            metadata["deletionTimestamp"] = Meta.Timestamp(time.GetUtcNow());
            metadata["deletionGracePeriodSeconds"] = 0;
            if (isNamespace)
            {
                marked["status"] = new JsonObject { ["phase"] = "Terminating" };
            }

            metadata["resourceVersion"] = store.NextResourceVersion();
            store.Put(type.StorageKey, marked, "MODIFIED", old);
            if (isNamespace)
            {
                EmptyNamespace(Meta.Name(marked));
                return (store.Get(type.StorageKey, "", Meta.Name(marked)) ?? marked).DeepClone().AsObject();
            }

            return marked.DeepClone().AsObject();
        }

        var final = old.DeepClone().AsObject();
        Meta.Of(final)["resourceVersion"] = store.NextResourceVersion();
        RemoveLocked(type, final, old, orphan);
        return final.DeepClone().AsObject();
    }

    /// <summary>Removes an object for good and runs what the real controllers do afterwards.</summary>
    private void RemoveLocked(ResourceType type, JsonObject final, JsonObject previous, bool orphan)
    {
        store.Remove(type.StorageKey, final, previous);
        if (type.StorageKey == ResourceRegistry.CrdType.StorageKey)
        {
            StopServing(Meta.Name(final));
        }

        if (!orphan)
        {
            CascadeFrom(Meta.Uid(final));
        }

        if (type.Namespaced)
        {
            FinishNamespaceIfEmpty(Meta.Namespace(final));
        }
    }

    // Background garbage collection: dependents whose owners are all gone are deleted (finalizers respected).
    private void CascadeFrom(string uid)
    {
        if (uid.Length == 0)
        {
            return;
        }

        var liveUids = store.All().Select(e => Meta.Uid(e.Object)).ToHashSet(StringComparer.Ordinal);
        foreach (var (storageKey, dependent) in store.All())
        {
            var owners = Meta.OwnerUids(dependent).ToList();
            if (owners.Contains(uid) && !owners.Any(liveUids.Contains) && TypeOf(storageKey) is { } type
                && store.Get(storageKey, Meta.Namespace(dependent), Meta.Name(dependent)) is { } current)
            {
                DeleteLocked(type, current, orphan: false);
            }
        }
    }

    private void EmptyNamespace(string ns)
    {
        foreach (var (storageKey, obj) in store.All())
        {
            if (Meta.Namespace(obj) == ns && TypeOf(storageKey) is { Namespaced: true } type
                && store.Get(storageKey, ns, Meta.Name(obj)) is { } current)
            {
                DeleteLocked(type, current, orphan: false);
            }
        }

        FinishNamespaceIfEmpty(ns);
    }

    private void FinishNamespaceIfEmpty(string ns)
    {
        var nsType = ResourceRegistry.NamespaceType;
        if (store.Get(nsType.StorageKey, "", ns) is not { } nsObject || !Meta.IsDeleting(nsObject)
            || Meta.Finalizers(nsObject).Count > 0 || store.All().Any(e => Meta.Namespace(e.Object) == ns))
        {
            return;
        }

        var final = nsObject.DeepClone().AsObject();
        Meta.Of(final)["resourceVersion"] = store.NextResourceVersion();
        store.Remove(nsType.StorageKey, final, nsObject);
        CascadeFrom(Meta.Uid(final));
    }

    // Deleting a CRD deletes its custom objects (finalizers are not waited for) and stops serving them.
    private void StopServing(string crdName)
    {
        var types = registry.CustomOf(crdName);
        registry.RemoveCustom(crdName);
        foreach (var storageKey in types.Select(t => t.StorageKey).Distinct())
        {
            store.DropWatches(storageKey);
            foreach (var obj in store.List(storageKey, null))
            {
                var final = obj.DeepClone().AsObject();
                Meta.Of(final)["resourceVersion"] = store.NextResourceVersion();
                store.Remove(storageKey, final, obj);
            }
        }
    }

    /// <summary>
    /// The garbage collector also deletes a dependent created after its owners were deleted (a controller acting on a
    /// stale cache): true when every owner reference names a known kind whose object is gone or has another uid.
    /// </summary>
    private bool OwnersAllGone(JsonObject obj, string ns)
    {
        var owners = (Meta.Of(obj)["ownerReferences"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        return owners.Count > 0 && owners.All(r =>
            registry.All.FirstOrDefault(t => t.ApiVersion == (string?)r["apiVersion"] && t.Kind == (string?)r["kind"]) is { } ownerType
            && (store.Get(ownerType.StorageKey, ownerType.Namespaced ? ns : "", (string?)r["name"] ?? "") is not { } owner || Meta.Uid(owner) != (string?)r["uid"]));
    }

    private ResourceType? TypeOf(string storageKey) => registry.All.FirstOrDefault(t => t.StorageKey == storageKey);
}
