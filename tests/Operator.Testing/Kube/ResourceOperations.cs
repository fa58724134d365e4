using System.Text.Json.Nodes;
using Operator.Testing.Kube.Validation;

namespace Operator.Testing.Kube;

/// <summary>
/// The API server's write rules on top of <see cref="ObjectStore"/>: metadata, resourceVersion conflicts, generation,
/// the status subresource, finalizers, namespace and ownerReference cascades, validation and CRD registration.
/// Every public method takes the store's global lock.
/// </summary>
internal sealed partial class ResourceOperations(ObjectStore store, ResourceRegistry registry, TimeProvider time)
{
    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    public ObjectStore Store => store;

    public ResourceRegistry Registry => registry;

    public JsonObject Get(ResourceType type, string ns, string name)
    {
        lock (store.Gate)
        {
            return (store.Get(type.StorageKey, ns, name) ?? throw KubeApiException.NotFound(type, name)).DeepClone().AsObject();
        }
    }

    public JsonObject Create(ResourceType type, string ns, JsonObject body, FieldValidation? fields = null)
    {
        lock (store.Gate)
        {
            var obj = body.DeepClone().AsObject();
            var metadata = Meta.Of(obj);
            if (type.Namespaced)
            {
                if (metadata["namespace"] is JsonValue given && (string?)given != ns && !string.IsNullOrEmpty((string?)given))
                {
                    throw KubeApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
                }

                RequireActiveNamespace(type, ns, Meta.Name(obj));
                metadata["namespace"] = ns;
            }
            else
            {
                metadata.Remove("namespace");
            }

            if (string.IsNullOrEmpty(Meta.Name(obj)) && metadata["generateName"] is JsonValue prefix)
            {
                metadata["name"] = (string?)prefix + RandomSuffix();
            }

            if (!string.IsNullOrEmpty(Meta.ResourceVersion(obj)))
            {
                // What the real server answers (a 500, not a 4xx) when a client re-creates an object it read.
                throw new KubeApiException(500, "InternalError", "resourceVersion should not be set on objects to be created");
            }

            obj["apiVersion"] = type.ApiVersion;
            obj["kind"] = type.Kind;
            if (type.HasStatus)
            {
                obj.Remove("status");
            }

            var name = Meta.Name(obj);
            Validate(type, obj, name, fields, null);
            if (store.Get(type.StorageKey, ns, name) is not null)
            {
                throw KubeApiException.AlreadyExists(type, name);
            }

            var now = Meta.Timestamp(time.GetUtcNow());
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["creationTimestamp"] = now;
            metadata.Remove("deletionTimestamp");
            metadata.Remove("deletionGracePeriodSeconds");
            if (type.TracksGeneration)
            {
                metadata["generation"] = 1;
            }

            if (type == ResourceRegistry.NamespaceType || type.StorageKey == ResourceRegistry.NamespaceType.StorageKey)
            {
                obj["status"] = new JsonObject { ["phase"] = "Active" };
            }

            if (type.StorageKey == ResourceRegistry.CrdType.StorageKey)
            {
                obj["status"] = CrdTypes.EstablishedStatus(obj, now);
                registry.SetCustom(name, CrdTypes.FromCrd(obj));
            }

            metadata["resourceVersion"] = store.NextResourceVersion();
            store.Put(type.StorageKey, EventMirror.ToStorage(type, obj), "ADDED", null);
            var created = obj.DeepClone().AsObject();
            if (OwnersAllGone(obj, ns))
            {
                DeleteLocked(type, obj, orphan: false);
            }

            return created;
        }
    }

    /// <summary>PUT (or the result of a patch). <paramref name="statusOnly"/> is a write to the /status subresource.</summary>
    public JsonObject Update(ResourceType type, string ns, string name, JsonObject body, bool statusOnly, FieldValidation? fields = null)
    {
        lock (store.Gate)
        {
            var old = store.Get(type.StorageKey, ns, name) ?? throw KubeApiException.NotFound(type, name);
            return UpdateLocked(type, old, body, statusOnly, fields);
        }
    }

    /// <summary>Applies <paramref name="patch"/> to the current object under the lock, then updates it.</summary>
    public JsonObject Patch(ResourceType type, string ns, string name, Func<JsonObject?, JsonObject> patch, bool statusOnly, FieldValidation? fields = null)
    {
        lock (store.Gate)
        {
            var old = store.Get(type.StorageKey, ns, name);
            var patched = patch(old is null ? null : EventMirror.FromStorage(type, old.DeepClone().AsObject()));
            if (old is null)
            {
                // Only server-side apply gets here without an object: it creates.
                Meta.Of(patched)["name"] = name;
                Meta.Of(patched).Remove("resourceVersion");
                return Create(type, ns, patched, fields);
            }

            return UpdateLocked(type, old, patched, statusOnly, fields);
        }
    }

    public JsonObject Delete(ResourceType type, string ns, string name, bool orphan, string? resourceVersion, string? uid)
    {
        lock (store.Gate)
        {
            var old = store.Get(type.StorageKey, ns, name) ?? throw KubeApiException.NotFound(type, name);
            if ((resourceVersion is not null && resourceVersion != Meta.ResourceVersion(old)) || (uid is not null && uid != Meta.Uid(old)))
            {
                throw KubeApiException.Conflict(type, name);
            }

            return DeleteLocked(type, old, orphan);
        }
    }

    public List<JsonObject> DeleteCollection(ResourceType type, string? ns, Func<JsonObject, bool> filter)
    {
        lock (store.Gate)
        {
            return store.List(type.StorageKey, ns).Where(filter).ToList()
                .Select(o => store.Get(type.StorageKey, Meta.Namespace(o), Meta.Name(o)) is { } current ? DeleteLocked(type, current, false) : o)
                .ToList();
        }
    }

    private JsonObject UpdateLocked(ResourceType type, JsonObject stored, JsonObject body, bool statusOnly, FieldValidation? fields = null)
    {
        var old = EventMirror.FromStorage(type, stored);
        var name = Meta.Name(old);
        var bodyName = (string?)body["metadata"]?["name"];
        if (!string.IsNullOrEmpty(bodyName) && bodyName != name)
        {
            throw KubeApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        }

        var givenVersion = (string?)body["metadata"]?["resourceVersion"];
        if (!string.IsNullOrEmpty(givenVersion) && givenVersion != Meta.ResourceVersion(old))
        {
            throw KubeApiException.Conflict(type, name);
        }

        JsonObject obj;
        if (statusOnly)
        {
            obj = old.DeepClone().AsObject();
            obj["status"] = body["status"]?.DeepClone();
        }
        else
        {
            obj = body.DeepClone().AsObject();
            if (type.HasStatus)
            {
                obj["status"] = old["status"]?.DeepClone();
            }
        }

        if (obj["status"] is null)
        {
            obj.Remove("status");
        }

        obj["apiVersion"] = type.ApiVersion;
        obj["kind"] = type.Kind;
        var metadata = Meta.Of(obj);
        var oldMetadata = Meta.Of(old);
        foreach (var key in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            metadata[key] = oldMetadata[key]?.DeepClone();
            if (metadata[key] is null)
            {
                metadata.Remove(key);
            }
        }

        // Status writes are validated (and pruned) against the schema too, as the real server does.
        Validate(type, obj, name, fields, old);
        ObjectValidation.ValidateUpdate(type, old, obj, statusOnly ? null : name);

        if (type.TracksGeneration && !SpecEquals(type, old, obj))
        {
            metadata["generation"] = (long.TryParse(oldMetadata["generation"]?.ToJsonString(), out var generation) ? generation : 0) + 1;
        }

        metadata["resourceVersion"] = Meta.ResourceVersion(old);
        if (JsonNode.DeepEquals(obj, old))
        {
            return old.DeepClone().AsObject(); // the real server does not write (or bump resourceVersion for) a no-op update
        }

        if (Meta.IsDeleting(obj) && Meta.Finalizers(obj).Count == 0)
        {
            metadata["resourceVersion"] = store.NextResourceVersion();
            RemoveLocked(type, EventMirror.ToStorage(type, obj), stored, orphan: false);
            return obj.DeepClone().AsObject();
        }

        if (type.StorageKey == ResourceRegistry.CrdType.StorageKey)
        {
            registry.SetCustom(name, CrdTypes.FromCrd(obj));
        }

        metadata["resourceVersion"] = store.NextResourceVersion();
        store.Put(type.StorageKey, EventMirror.ToStorage(type, obj), "MODIFIED", stored);
        return obj.DeepClone().AsObject();
    }

    private static bool SpecEquals(ResourceType type, JsonObject a, JsonObject b)
    {
        static JsonObject Strip(JsonObject o, bool status)
        {
            var copy = o.DeepClone().AsObject();
            copy.Remove("metadata");
            if (status)
            {
                copy.Remove("status");
            }

            return copy;
        }

        return JsonNode.DeepEquals(Strip(a, type.HasStatus), Strip(b, type.HasStatus));
    }

    private static void Validate(ResourceType type, JsonObject obj, string name, FieldValidation? fields, JsonObject? old)
    {
        var errors = ObjectValidation.Validate(type, obj, fields ?? FieldValidation.None, old);
        if (errors.Count > 0)
        {
            throw KubeApiException.Invalid(type, name, errors);
        }
    }

    private void RequireActiveNamespace(ResourceType type, string ns, string name)
    {
        var nsObject = store.Get(ResourceRegistry.NamespaceType.StorageKey, "", ns)
            ?? throw KubeApiException.NotFound(ResourceRegistry.NamespaceType, ns);
        if (Meta.IsDeleting(nsObject))
        {
            throw new KubeApiException(403, "Forbidden",
                $"{type.QualifiedPlural} \"{name}\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        }
    }

    private static string RandomSuffix() =>
        new(Enumerable.Range(0, 5).Select(_ => NameChars[Random.Shared.Next(NameChars.Length)]).ToArray());
}
