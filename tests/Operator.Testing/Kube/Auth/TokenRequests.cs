using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// <c>POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token</c> (TokenRequest), as
/// pkg/registry/core/serviceaccount/storage/token.go answers it: body name and namespace must match the URL, the
/// ServiceAccount must exist, audiences default to the API server's, expirationSeconds defaults to 3600 and must lie
/// within [600, 2^32], an optional boundObjectRef names a Pod (running as this ServiceAccount) or a Secret.
/// </summary>
internal sealed class TokenRequests(ObjectStore store, ServiceAccountTokens tokens, IReadOnlyList<string> apiAudiences, TimeProvider time)
{
    private const string ApiVersion = "authentication.k8s.io/v1";
    private const long MinExpirationSeconds = 600;
    private const long MaxExpirationSeconds = 1L << 32;

    private static readonly ResourceType TokenRequestType = new("authentication.k8s.io", "v1", "tokenrequests", "tokenrequest", "TokenRequest", true);

    public JsonObject Create(string ns, string name, JsonObject body)
    {
        var bodyName = (string?)body["metadata"]?["name"] ?? "";
        var bodyNamespace = (string?)body["metadata"]?["namespace"] ?? "";
        if (bodyName.Length > 0 && bodyName != name)
        {
            throw KubeApiException.Invalid(TokenRequestType, name, [FieldError.InvalidValue("metadata.name", bodyName, "must match the service account name if specified")]);
        }

        if (bodyNamespace.Length > 0 && bodyNamespace != ns)
        {
            throw KubeApiException.Invalid(TokenRequestType, name, [FieldError.InvalidValue("metadata.namespace", bodyNamespace, "must match the service account namespace if specified")]);
        }

        JsonObject serviceAccount;
        lock (store.Gate)
        {
            serviceAccount = store.Get("/serviceaccounts", ns, name)?.DeepClone().AsObject()
                ?? throw new KubeApiException(404, "NotFound", $"serviceaccounts \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = "serviceaccounts" });
        }

        var spec = body["spec"] as JsonObject ?? [];
        var audiences = (spec["audiences"] as JsonArray)?.Select(a => (string?)a ?? "").ToList() is { Count: > 0 } asked ? asked : [.. apiAudiences];
        var expiration = spec["expirationSeconds"] is JsonValue seconds && seconds.TryGetValue<long>(out var value) ? value : 3600;
        if (expiration < MinExpirationSeconds)
        {
            throw KubeApiException.Invalid(TokenRequestType, "", [FieldError.InvalidValue("spec.expirationSeconds", expiration, "may not specify a duration less than 10 minutes")]);
        }

        if (expiration > MaxExpirationSeconds)
        {
            throw KubeApiException.Invalid(TokenRequestType, "", [FieldError.InvalidValue("spec.expirationSeconds", expiration, "may not specify a duration larger than 2^32 seconds")]);
        }

        (string Kind, string Name, string Uid)? bound = spec["boundObjectRef"] is JsonObject reference ? Bind(ns, name, reference) : null;
        var now = time.GetUtcNow();
        var token = tokens.Issue(serviceAccount, audiences, expiration, bound, now);
        return new JsonObject
        {
            ["kind"] = "TokenRequest",
            ["apiVersion"] = ApiVersion,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["creationTimestamp"] = Meta.Timestamp(now) },
            ["spec"] = new JsonObject
            {
                ["audiences"] = new JsonArray(audiences.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
                ["expirationSeconds"] = expiration,
                ["boundObjectRef"] = spec["boundObjectRef"]?.DeepClone(),
            },
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = Meta.Timestamp(now.AddSeconds(expiration)) },
        };
    }

    private (string Kind, string Name, string Uid) Bind(string ns, string serviceAccount, JsonObject reference)
    {
        var kind = (string?)reference["kind"] ?? "";
        var apiVersion = (string?)reference["apiVersion"] ?? "";
        var name = (string?)reference["name"] ?? "";
        var storageKey = (apiVersion, kind) switch
        {
            ("v1", "Pod") => "/pods",
            ("v1", "Secret") => "/secrets",
            _ => throw KubeApiException.BadRequest($"cannot bind token to object of type {apiVersion}, Kind={kind}"),
        };
        JsonObject bound;
        lock (store.Gate)
        {
            bound = store.Get(storageKey, ns, name)?.DeepClone().AsObject()
                ?? throw new KubeApiException(404, "NotFound", $"{storageKey[1..]} \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = storageKey[1..] });
        }

        if (kind == "Pod" && (string?)bound["spec"]?["serviceAccountName"] != serviceAccount)
        {
            throw KubeApiException.BadRequest($"cannot bind token for serviceaccount \"{serviceAccount}\" to pod running with different serviceaccount name.");
        }

        var uid = (string?)reference["uid"] ?? "";
        if (uid.Length > 0 && uid != Meta.Uid(bound))
        {
            throw new KubeApiException(409, "Conflict",
                $"Operation cannot be fulfilled on {kind} \"{name}\": the UID in the bound object reference ({uid}) does not match the UID in record. The object might have been deleted and then recreated");
        }

        return (kind, name, Meta.Uid(bound));
    }
}
