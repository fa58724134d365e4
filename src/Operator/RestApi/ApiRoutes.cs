using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;

namespace Operator.RestApi;

/// <summary>The routes of the Secret Management API, in the product's shapes.</summary>
public static class ApiRoutes
{
    public const string Groups = "/v1/secret-groups";
    public const string Secrets = "/v1/secrets";
    public const string OpenApi = "/openapi.json";

    private static readonly ApiParameter Limit = new("limit", "integer", $"page size, 1 to {SecretGroupService.MaxLimit} (default {SecretGroupService.DefaultLimit})");
    private static readonly ApiParameter Offset = new("offset", "integer", "items to skip (default 0)");

    public static IReadOnlyList<ApiRoute> For(SecretGroupService groups, SecretService secrets)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(secrets);
        return
        [
            new("PUT", Groups, "applySecretGroup", "Create or update a secret group by name (keys and values are kept)", "a tenant admin creates; the group's admin updates",
                typeof(ManifestRequest), typeof(GroupView), [],
                async (c, caller, ct) => await groups.ApplyManifestAsync(caller, await ApiRequest.ReadAsync<ManifestRequest>(c).ConfigureAwait(false), ApiRequest.IfMatch(c), ct).ConfigureAwait(false)),
            new("GET", Groups, "listSecretGroups", "List the secret groups the caller may view (never values)", "any caller; only groups it has a role on",
                null, typeof(GroupPage), [Limit, Offset, new("fqn", "string", "only the group with this FQN (tenant:group)"), new("search", "string", "only groups whose name contains this text (case-insensitive)")],
                (c, caller, _) => Task.FromResult<object?>(groups.List(caller, ApiRequest.Query(c, "fqn"), ApiRequest.Query(c, "search"), ApiRequest.Query(c, "limit"), ApiRequest.Query(c, "offset")))),
            new("GET", Groups + "/{id}", "getSecretGroup", "Get one secret group (never values)", "viewer",
                null, typeof(GroupView), [],
                async (c, caller, ct) => await groups.GetAsync(caller, ApiRequest.Id(c), ct).ConfigureAwait(false)),
            new("PUT", Groups + "/{id}", "setSecrets", "Set the group's complete key list and new values (each changed value is a new store version)", "editor",
                typeof(SetSecretsRequest), typeof(GroupView), [],
                async (c, caller, ct) => await groups.SetSecretsAsync(caller, ApiRequest.Id(c), await ApiRequest.ReadAsync<SetSecretsRequest>(c).ConfigureAwait(false), ApiRequest.IfMatch(c), ct).ConfigureAwait(false)),
            new("DELETE", Groups + "/{id}", "deleteSecretGroup", "Delete the group and its managed Secret (store values are kept)", "admin",
                null, null, [],
                async (c, caller, ct) =>
                {
                    await groups.DeleteAsync(caller, ApiRequest.Id(c), ApiRequest.IfMatch(c), ct).ConfigureAwait(false);
                    return null;
                }),
            new("GET", Secrets, "listSecrets", "List the secrets (keys) of the groups the caller may view", "any caller; values only with with_value=true and the editor role on each listed group",
                null, typeof(SecretPage),
                [Limit, Offset, new("secret_group_id", "string", "only this group's secrets"), new("secret_fqns", "string", "comma-separated secret FQNs (tfy-secret://tenant:group:key)"),
                    new("with_value", "boolean", $"include values (default false; then at most {SecretService.MaxValuePage} per page)")],
                async (c, caller, ct) => await secrets.ListAsync(caller, new SecretQuery(ApiRequest.Query(c, "secret_group_id"), ApiRequest.Query(c, "secret_fqns"), ApiRequest.Query(c, "with_value"), ApiRequest.Query(c, "limit"), ApiRequest.Query(c, "offset")), ct).ConfigureAwait(false)),
            new("GET", Secrets + "/{id}", "getSecret", "Get one secret and its current version; the value for editors and admins", "viewer (value: editor)",
                null, typeof(SecretView), [],
                async (c, caller, ct) => await secrets.GetAsync(caller, ApiRequest.Id(c), ct).ConfigureAwait(false)),
            new("DELETE", Secrets + "/{id}", "deleteSecret", "Remove the key from its group (the store keeps the value unless the integration's deletionPolicy is Delete)", "editor",
                null, null, [],
                async (c, caller, ct) =>
                {
                    await secrets.DeleteAsync(caller, ApiRequest.Id(c), ApiRequest.IfMatch(c), ct).ConfigureAwait(false);
                    return null;
                }),
            new("GET", Secrets + "/{id}/versions/{version}", "getSecretVersion", "Get one version of a secret's value, as the store keeps it", "editor",
                null, typeof(SecretVersionView), [],
                async (c, caller, ct) => await secrets.GetVersionAsync(caller, ApiRequest.Id(c), ApiRequest.Route(c, "version"), ct).ConfigureAwait(false)),
        ];
    }
}
