using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Operator.Testing.Kube;

/// <summary>
/// The API server's own authentication and authorization endpoints, which store nothing: TokenReview and
/// SelfSubjectReview (authentication.k8s.io/v1), the access and rules reviews (authorization.k8s.io/v1), the
/// ServiceAccount TokenRequest subresource, the service account issuer's OIDC discovery, and these groups' discovery
/// documents. Requests reach it already authenticated and authorised.
/// </summary>
internal sealed class AuthEndpoints(Authenticator authenticator, AccessReviews reviews, TokenRequests tokenRequests, ServiceAccountTokens tokens, string issuer)
{
    public const string AuthenticationGroup = "authentication.k8s.io";

    /// <summary>The API groups served here, for /apis.</summary>
    public static IReadOnlyList<string> Groups { get; } = [AuthenticationGroup, AccessReviews.Group];

    /// <summary>Answers the request when it is one of these endpoints; false otherwise.</summary>
    public async Task<bool> TryServeAsync(HttpContext context, KubeUser user)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var post = context.Request.Method == "POST";
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Func<JsonObject, JsonObject>? create = segments switch
        {
            ["apis", AuthenticationGroup, "v1", "tokenreviews"] => TokenReview,
            ["apis", AuthenticationGroup, "v1", "selfsubjectreviews"] => body => SelfSubjectReview(body, user),
            ["apis", AccessReviews.Group, "v1", "selfsubjectaccessreviews"] => body => reviews.SelfSubjectAccessReview(user, body),
            ["apis", AccessReviews.Group, "v1", "subjectaccessreviews"] => body => reviews.SubjectAccessReview(body),
            ["apis", AccessReviews.Group, "v1", "namespaces", var ns, "localsubjectaccessreviews"] => body => reviews.SubjectAccessReview(body, Uri.UnescapeDataString(ns)),
            ["apis", AccessReviews.Group, "v1", "selfsubjectrulesreviews"] => body => reviews.SelfSubjectRulesReview(user, body),
            ["api", "v1", "namespaces", var ns, "serviceaccounts", var name, "token"] => body => tokenRequests.Create(Uri.UnescapeDataString(ns), Uri.UnescapeDataString(name), body),
            _ => null,
        };
        if (create is not null)
        {
            if (!post)
            {
                throw new KubeApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
            }

            var body = await RequestBody.ReadObjectAsync(context, null).ConfigureAwait(false); // JSON, or kubectl's protobuf
            await WriteAsync(context, 201, create(body)).ConfigureAwait(false);
            return true;
        }

        JsonObject? document = segments switch
        {
            ["apis", AuthenticationGroup] => GroupDocument(AuthenticationGroup),
            ["apis", AccessReviews.Group] => GroupDocument(AccessReviews.Group),
            ["apis", AuthenticationGroup, "v1"] => ResourceList(AuthenticationGroup, ("tokenreviews", "TokenReview", false), ("selfsubjectreviews", "SelfSubjectReview", false)),
            ["apis", AccessReviews.Group, "v1"] => ResourceList(AccessReviews.Group, ("localsubjectaccessreviews", "LocalSubjectAccessReview", true),
                ("selfsubjectaccessreviews", "SelfSubjectAccessReview", false), ("selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
                ("subjectaccessreviews", "SubjectAccessReview", false)),
            [".well-known", "openid-configuration"] => OpenIdConfiguration(),
            ["openid", "v1", "jwks"] => tokens.Jwks(),
            _ => null,
        };
        if (document is null || context.Request.Method != "GET")
        {
            return false;
        }

        await WriteAsync(context, 200, document).ConfigureAwait(false);
        return true;
    }

    /// <summary>The serviceaccounts/token entry of the core v1 resource list.</summary>
    public static JsonObject TokenSubresource() => new()
    {
        ["name"] = "serviceaccounts/token",
        ["singularName"] = "",
        ["namespaced"] = true,
        ["group"] = AuthenticationGroup,
        ["version"] = "v1",
        ["kind"] = "TokenRequest",
        ["verbs"] = new JsonArray("create"),
    };

    // pkg/registry/authentication/tokenreview/storage.go: audiences default to the API server's; status.audiences
    // are those the token was accepted for; an empty token is a 400.
    private JsonObject TokenReview(JsonObject body)
    {
        var token = (string?)body["spec"]?["token"] ?? "";
        if (token.Length == 0)
        {
            throw KubeApiException.BadRequest("token is required for TokenReview in authentication");
        }

        var audiences = (body["spec"]?["audiences"] as JsonArray)?.Select(a => (string?)a ?? "").ToList() ?? [];
        var result = authenticator.AuthenticateToken(token, audiences);
        var status = new JsonObject { ["authenticated"] = result.User is not null };
        if (result.User is { } user)
        {
            status["user"] = UserInfo(user);
            status["audiences"] = Array(result.Audiences);
        }
        else
        {
            status["error"] = result.Error;
        }

        var answer = body.DeepClone().AsObject();
        answer["kind"] = "TokenReview";
        answer["apiVersion"] = AuthenticationGroup + "/v1";
        answer["metadata"] ??= new JsonObject();
        answer["status"] = status;
        return answer;
    }

    private static JsonObject SelfSubjectReview(JsonObject body, KubeUser user)
    {
        var answer = body.DeepClone().AsObject();
        answer["kind"] = "SelfSubjectReview";
        answer["apiVersion"] = AuthenticationGroup + "/v1";
        answer["metadata"] ??= new JsonObject();
        answer["status"] = new JsonObject { ["userInfo"] = UserInfo(user) };
        return answer;
    }

    private JsonObject OpenIdConfiguration() => new()
    {
        ["issuer"] = issuer,
        ["jwks_uri"] = issuer.TrimEnd('/') + "/openid/v1/jwks",
        ["response_types_supported"] = new JsonArray("id_token"),
        ["subject_types_supported"] = new JsonArray("public"),
        ["id_token_signing_alg_values_supported"] = new JsonArray("ES256"),
    };

    private static JsonObject UserInfo(KubeUser user)
    {
        var info = new JsonObject { ["username"] = user.Name };
        if (user.Uid.Length > 0)
        {
            info["uid"] = user.Uid;
        }

        info["groups"] = Array(user.Groups);
        if (user.Extra.Count > 0)
        {
            info["extra"] = new JsonObject(user.Extra.Select(e => KeyValuePair.Create(e.Key, (JsonNode?)Array(e.Value))));
        }

        return info;
    }

    private static JsonObject GroupDocument(string group)
    {
        JsonObject Entry() => new() { ["groupVersion"] = group + "/v1", ["version"] = "v1" };
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = new JsonArray(Entry()),
            ["preferredVersion"] = Entry(),
        };
    }

    private static JsonObject ResourceList(string group, params (string Plural, string Kind, bool Namespaced)[] resources) => new()
    {
        ["kind"] = "APIResourceList",
        ["apiVersion"] = "v1",
        ["groupVersion"] = group + "/v1",
        ["resources"] = new JsonArray(resources.Select(r => (JsonNode)new JsonObject
        {
            ["name"] = r.Plural,
            ["singularName"] = r.Kind.ToLowerInvariant(),
            ["namespaced"] = r.Namespaced,
            ["kind"] = r.Kind,
            ["verbs"] = new JsonArray("create"),
        }).ToArray()),
    };

    private static JsonArray Array(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static async Task WriteAsync(HttpContext context, int code, JsonObject body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(Json.Options), context.RequestAborted).ConfigureAwait(false);
    }
}
