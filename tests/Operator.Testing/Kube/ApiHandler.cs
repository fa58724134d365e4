using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Operator.Testing.Kube.OpenApi;
using Operator.Testing.Kube.Validation;

namespace Operator.Testing.Kube;

/// <summary>Routes HTTP requests to discovery documents and resource operations.</summary>
internal sealed class ApiHandler(ResourceOperations operations, WatchStreamer watches, OpenApiHandler openApi, TimeProvider time, Func<string> serverAddress, CancellationToken stopping)
{
    private const string UserKey = "kube.user";
    private const string MessageKey = "kube.status-message";

    /// <summary>What RBAC checks on writes beyond the request's own verb (escalation, create by apply); null: none.</summary>
    public WriteAuthorization? Writes { get; init; }

    /// <summary>Records the authenticated (or impersonated) user of a request.</summary>
    public static void SetUser(HttpContext context, KubeUser user) => context.Items[UserKey] = user;

    public static KubeUser? UserOf(HttpContext context) => context.Items.TryGetValue(UserKey, out var user) ? user as KubeUser : null;

    /// <summary>The message of the failure Status written for this request, or "".</summary>
    public static string StatusMessageOf(HttpContext context) => context.Items.TryGetValue(MessageKey, out var message) ? message as string ?? "" : "";

    public static JsonObject Present(ResourceType type, JsonObject obj)
    {
        var copy = EventMirror.FromStorage(type, obj.DeepClone().AsObject());
        copy["apiVersion"] = type.ApiVersion;
        copy["kind"] = type.Kind;
        return copy;
    }

    /// <summary>Answers a request; <paramref name="filters"/> run first (authentication, authorization, endpoints that store nothing) and return true when they answered it.</summary>
    public async Task HandleAsync(HttpContext context, Func<Task<bool>> filters)
    {
        try
        {
            if (!await filters().ConfigureAwait(false))
            {
                await RouteAsync(context).ConfigureAwait(false);
            }
        }
        catch (KubeApiException e)
        {
            await WriteStatusAsync(context, e).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            await WriteStatusAsync(context, KubeApiException.BadRequest($"the object provided is unrecognized: {e.Message}")).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested || stopping.IsCancellationRequested)
        {
            // the client or the emulator went away
        }
#pragma warning disable CA1031 // an emulator bug must surface as a 500 with its message, not a dropped connection
        catch (Exception e)
#pragma warning restore CA1031
        {
            await WriteStatusAsync(context, new KubeApiException(500, "InternalError", $"emulator error: {e}")).ConfigureAwait(false);
        }
    }

    public static async Task WriteStatusAsync(HttpContext context, KubeApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Items[MessageKey] = error.Message;

        await WriteJsonAsync(context, error.Code, error.ToStatus()).ConfigureAwait(false);
    }

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(Json.Options), context.RequestAborted).ConfigureAwait(false);
    }

    private async Task RouteAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (await openApi.TryServeAsync(context, segments).ConfigureAwait(false))
        {
            return;
        }

        var registry = operations.Registry;
        JsonNode? document = segments switch
        {
            ["version"] => Discovery.Version(),
            ["api"] => Discovery.ApiVersions(serverAddress()),
            ["apis"] => Locked(() => Discovery.GroupList(registry)),
            ["api", var v] => Locked(() => Discovery.ResourceList(registry, "", v)),
            ["apis", var g] => Locked(() => Discovery.GroupOf(registry, g)),
            ["apis", var g, var v] => Locked(() => Discovery.ResourceList(registry, g, v)),
            ["healthz" or "readyz" or "livez"] => JsonValue.Create("ok"),
            _ => null,
        };
        if (document is JsonValue)
        {
            await context.Response.WriteAsync("ok", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (document is not null)
        {
            await WriteJsonAsync(context, 200, document).ConfigureAwait(false);
            return;
        }

        var request = ApiRequest.Parse(segments);
        if (request is null || segments.Length <= (segments[0] == "api" ? 2 : 3))
        {
            throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        }

        var type = Locked(() => registry.Find(request.Group, request.Version, request.Plural))
            ?? throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        if (request.Subresource is not null && (request.Subresource != "status" || !type.HasStatus) && request.Subresource != "finalize")
        {
            throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        }

        if (!type.Namespaced && request.Namespace is not null)
        {
            throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        }

        if (type.Namespaced && request.Namespace is null && (request.Name is not null || context.Request.Method != "GET"))
        {
            throw new KubeApiException(404, "NotFound", "the server could not find the requested resource");
        }

        await ServeResourceAsync(context, type, request).ConfigureAwait(false);
    }

    private async Task ServeResourceAsync(HttpContext context, ResourceType type, ApiRequest request)
    {
        var query = context.Request.Query;
        var ns = type.Namespaced ? request.Namespace ?? null : "";
        var statusOnly = request.Subresource == "status";
        var method = context.Request.Method;
        if (request.Name is null)
        {
            var selected = Selectors.Parse(query["labelSelector"], query["fieldSelector"]);
            Func<JsonObject, bool> filter = EventMirror.Converts(type) ? o => selected(EventMirror.FromStorage(type, o)) : selected;
            switch (method)
            {
                case "GET" when (string?)query["watch"] is "true" or "1":
                    await watches.StreamAsync(context, type, ns, filter, stopping).ConfigureAwait(false);
                    return;
                case "GET":
                    var page = operations.List(type, ns, filter, ListQuery.Limit(query), query["continue"], ListQuery.Selective(query));
                    await WriteListAsync(context, type, page.Items, page.ResourceVersion, page).ConfigureAwait(false);
                    return;
                case "POST":
                    var fields = RequestBody.Directive(context, "CreateOptions");
                    var body = await RequestBody.ReadObjectAsync(context, fields).ConfigureAwait(false);
                    Guard(context, type, ns ?? "", null, body);
                    var created = operations.Create(type, ns ?? "", body, fields);
                    RequestBody.AddWarnings(context, fields);
                    await WriteObjectAsync(context, type, 201, created).ConfigureAwait(false);
                    return;
                case "DELETE":
                    var deleted = operations.DeleteCollection(type, ns, filter);
                    await WriteListAsync(context, type, deleted, null).ConfigureAwait(false);
                    return;
            }
        }
        else
        {
            var name = request.Name;
            ns ??= "";
            switch (method)
            {
                case "GET":
                    var current = operations.Get(type, ns, name);
                    if (TableConverter.Wants(context.Request.Headers.Accept))
                    {
                        await WriteJsonAsync(context, 200, TableConverter.Convert(type, [Present(type, current)], null, query["includeObject"], time.GetUtcNow())).ConfigureAwait(false);
                        return;
                    }

                    await WriteObjectAsync(context, type, 200, current).ConfigureAwait(false);
                    return;
                case "PUT":
                    var fields = RequestBody.Directive(context, "UpdateOptions");
                    var body = await RequestBody.ReadObjectAsync(context, fields).ConfigureAwait(false);
                    var updated = type.Group == RbacIndex.Group
                        ? operations.Patch(type, ns, name, old => Guard(context, type, ns, old ?? throw KubeApiException.NotFound(type, name), body), statusOnly, fields)
                        : operations.Update(type, ns, name, body, statusOnly, fields);
                    RequestBody.AddWarnings(context, fields);
                    await WriteObjectAsync(context, type, 200, updated).ConfigureAwait(false);
                    return;
                case "PATCH":
                    var patchFields = RequestBody.Directive(context, "PatchOptions");
                    var patch = await RequestBody.ReadOptionalAsync(context, patchFields).ConfigureAwait(false);
                    var contentType = context.Request.ContentType ?? "";
                    var isApply = contentType.StartsWith("application/apply-patch", StringComparison.OrdinalIgnoreCase);
                    if (isApply && patch is JsonObject applied)
                    {
                        ApplySchema.ThrowIfUndeclared(type, applied);
                    }

                    var patched = operations.Patch(type, ns, name, old =>
                    {
                        if (old is null && !isApply)
                        {
                            throw KubeApiException.NotFound(type, name);
                        }

                        if (old is null && UserOf(context) is { } user)
                        {
                            Writes?.RequireCreate(user, type, ns, name); // only server-side apply creates; it needs `create` too
                        }

                        var before = old?.DeepClone().AsObject(); // Patching.Apply edits its target in place
                        return Guard(context, type, ns, before, Patching.Apply(type, contentType, old, patch));
                    }, statusOnly, patchFields);
                    RequestBody.AddWarnings(context, patchFields);
                    await WriteObjectAsync(context, type, 200, patched).ConfigureAwait(false);
                    return;
                case "DELETE":
                    var options = await RequestBody.ReadOptionalAsync(context, null).ConfigureAwait(false);
                    var policy = (string?)options?["propagationPolicy"] ?? query["propagationPolicy"];
                    var preconditions = options?["preconditions"];
                    var result = operations.Delete(type, ns, name, policy == "Orphan", (string?)preconditions?["resourceVersion"], (string?)preconditions?["uid"]);
                    if (!type.IsCustom && !Meta.IsDeleting(result))
                    {
                        // Built-ins deleted at once answer with a success Status; custom resources and objects
                        // still waiting on finalizers answer with the object.
                        await WriteJsonAsync(context, 200, SuccessStatus(type, result)).ConfigureAwait(false);
                        return;
                    }

                    await WriteObjectAsync(context, type, 200, result).ConfigureAwait(false);
                    return;
            }
        }

        throw new KubeApiException(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
    }

    private JsonObject Guard(HttpContext context, ResourceType type, string ns, JsonObject? old, JsonObject updated)
    {
        if (Writes is not null && UserOf(context) is { } user)
        {
            Writes.Check(user, type, ns, old, updated);
        }

        return updated;
    }

    private static JsonObject SuccessStatus(ResourceType type, JsonObject deleted)
    {
        var details = StatusBuilder.Details(type, Meta.Name(deleted));
        details["uid"] = Meta.Uid(deleted);
        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }

    private async Task WriteListAsync(HttpContext context, ResourceType type, List<JsonObject> items, string? version, ListPage? page = null)
    {
        if (TableConverter.Wants(context.Request.Headers.Accept))
        {
            var table = TableConverter.Convert(type, items.Select(i => Present(type, i)), version, context.Request.Query["includeObject"], time.GetUtcNow());
            ListQuery.AddContinue(table, page);
            await WriteJsonAsync(context, 200, table).ConfigureAwait(false);
            return;
        }

        var list = new JsonObject
        {
            ["kind"] = type.ListKind,
            ["apiVersion"] = type.ApiVersion,
            ["metadata"] = new JsonObject { ["resourceVersion"] = version },
            ["items"] = new JsonArray(items.Select(i => (JsonNode)Present(type, i)).ToArray()),
        };
        ListQuery.AddContinue(list, page);
        await WriteJsonAsync(context, 200, list).ConfigureAwait(false);
    }


    private static Task WriteObjectAsync(HttpContext context, ResourceType type, int statusCode, JsonObject obj) =>
        WriteJsonAsync(context, statusCode, Present(type, obj));

    private T Locked<T>(Func<T> read)
    {
        lock (operations.Store.Gate)
        {
            return read();
        }
    }
}
