using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Hashicorp;

/// <summary>
/// A Kubernetes auth role with its mount's config (<c>auth/kubernetes/config</c>: <c>kubernetes_host</c>,
/// <c>token_reviewer_jwt</c>; <c>auth/kubernetes/role/&lt;role&gt;</c>: <c>bound_service_account_names</c>,
/// <c>bound_service_account_namespaces</c>, <c>audience</c>). A null <see cref="Audience"/> reviews the JWT for the
/// API server's own audiences, as Vault does for a role without one.
/// </summary>
public sealed record VaultKubernetesRole(string Role, Uri KubernetesHost, string ReviewerJwt, string BoundServiceAccountName, string BoundNamespace, string? Audience = "vault");

/// <summary>
/// Kubernetes login as vault-plugin-auth-kubernetes does it (path_login.go, token_review.go): the role must exist
/// (400 "invalid role name"), the JWT is sent to the cluster's TokenReview API with the role's audience, and the login
/// is refused (403) unless the review authenticates it for that audience, as a ServiceAccount bound to the role
/// ("service account name not authorized", "namespace not authorized"). Vault's docs (auth/kubernetes, "audience"):
/// the audience claim of the JWT must match the role's, so a token issued for the API server is refused.
/// </summary>
public sealed partial class VaultFake
{
    private static readonly HttpClient Reviewer = new() { Timeout = TimeSpan.FromSeconds(30) };

    private static async Task<(int Status, string? Error)> ReviewAsync(VaultKubernetesRole role, string? roleName, string? jwt, CancellationToken cancellationToken)
    {
        if (roleName != role.Role)
        {
            return (400, $"invalid role name \"{roleName}\"");
        }

        if (string.IsNullOrEmpty(jwt))
        {
            return (400, "missing jwt");
        }

        var spec = new JsonObject { ["token"] = jwt };
        if (role.Audience is { } audience)
        {
            spec["audiences"] = new JsonArray(audience);
        }

        var review = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = spec };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(role.KubernetesHost, "apis/authentication.k8s.io/v1/tokenreviews"))
        {
            Content = new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", role.ReviewerJwt);
        using var response = await Reviewer.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            return (403, "permission denied");
        }

        var status = (await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false))?["status"];
        if (status?["authenticated"]?.GetValue<bool>() != true)
        {
            return (403, "permission denied");
        }

        // token_review.go: with an audience asked for, the review's audiences must include it.
        var audiences = (status["audiences"] as JsonArray)?.Select(a => (string?)a).ToList() ?? [];
        if (role.Audience is { } wanted && !audiences.Contains(wanted))
        {
            return (403, "permission denied");
        }

        var parts = ((string?)status["user"]?["username"] ?? "").Split(':');
        if (parts is not ["system", "serviceaccount", _, _])
        {
            return (403, "permission denied");
        }

        return parts[3] != role.BoundServiceAccountName ? (403, "service account name not authorized")
            : parts[2] != role.BoundNamespace ? (403, "namespace not authorized")
            : (200, null);
    }
}
