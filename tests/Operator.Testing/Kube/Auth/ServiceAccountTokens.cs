using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Operator.Testing.Kube;

/// <summary>
/// Bound ServiceAccount tokens: JWTs (ES256, one key per emulator) issued by the TokenRequest subresource and checked
/// as kube-apiserver's service account authenticator does (pkg/serviceaccount/jwt.go, claims.go): signature and
/// issuer, audiences against the target audiences, expiry on the emulator's clock with go-jose's one-minute leeway,
/// and the ServiceAccount (and bound Pod or Secret) still existing with the uid the token names.
/// </summary>
internal sealed class ServiceAccountTokens(ObjectStore store, TimeProvider time, string issuer) : IDisposable
{
    /// <summary>jwt.DefaultLeeway: exp, nbf and deletions are judged with this much slack.</summary>
    public static readonly TimeSpan Leeway = TimeSpan.FromMinutes(1);

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    /// <summary>A signed token for ServiceAccount <paramref name="serviceAccount"/>, optionally bound to a Pod or Secret.</summary>
    public string Issue(JsonObject serviceAccount, IReadOnlyList<string> audiences, long expirationSeconds, (string Kind, string Name, string Uid)? boundTo, DateTimeOffset now)
    {
        var kubernetes = new JsonObject
        {
            ["namespace"] = Meta.Namespace(serviceAccount),
            ["serviceaccount"] = new JsonObject { ["name"] = Meta.Name(serviceAccount), ["uid"] = Meta.Uid(serviceAccount) },
        };
        if (boundTo is { } bound)
        {
            kubernetes[bound.Kind == "Pod" ? "pod" : "secret"] = new JsonObject { ["name"] = bound.Name, ["uid"] = bound.Uid };
        }

        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audiences.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            ["exp"] = now.ToUnixTimeSeconds() + expirationSeconds,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = kubernetes,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = KubeUser.ServiceAccountName(Meta.Namespace(serviceAccount), Meta.Name(serviceAccount)),
        };
        var header = new JsonObject { ["alg"] = "ES256", ["kid"] = _keyId };
        var signed = Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signed + "." + Base64Url(signature);
    }

    /// <summary>
    /// Null when the token is not one of ours (another authenticator may know it); otherwise the user, the audiences
    /// it was accepted for, or the error the real authenticator gives.
    /// </summary>
    public AuthResult? Authenticate(string token, IReadOnlyList<string> targetAudiences)
    {
        var claims = Verify(token);
        if (claims is null)
        {
            return null;
        }

        var tokenAudiences = (claims["aud"] as JsonArray)?.Select(a => (string?)a ?? "").ToList() ?? [];
        var accepted = tokenAudiences.Intersect(targetAudiences, StringComparer.Ordinal).ToList();
        if (accepted.Count == 0)
        {
            return AuthResult.Failed($"token audiences {Go(tokenAudiences)} is invalid for the target audiences {Go(targetAudiences)}");
        }

        var now = time.GetUtcNow();
        if (now > DateTimeOffset.FromUnixTimeSeconds((long?)claims["exp"] ?? 0) + Leeway)
        {
            return AuthResult.Failed("service account token has expired");
        }

        if (now < DateTimeOffset.FromUnixTimeSeconds((long?)claims["nbf"] ?? 0) - Leeway)
        {
            return AuthResult.Failed("service account token is not valid yet");
        }

        var kubernetes = claims["kubernetes.io"];
        var ns = (string?)kubernetes?["namespace"] ?? "";
        var name = (string?)kubernetes?["serviceaccount"]?["name"] ?? "";
        var uid = (string?)kubernetes?["serviceaccount"]?["uid"] ?? "";
        var extra = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["authentication.kubernetes.io/credential-id"] = ["JTI=" + (string?)claims["jti"]],
        };
        lock (store.Gate)
        {
            var serviceAccount = store.Get("/serviceaccounts", ns, name);
            if (serviceAccount is null)
            {
                return AuthResult.Failed($"serviceaccount \"{name}\" not found");
            }

            if (Deleted(serviceAccount, now))
            {
                return AuthResult.Failed($"service account {ns}/{name} has been deleted");
            }

            if (Meta.Uid(serviceAccount) != uid)
            {
                return AuthResult.Failed($"service account UID ({Meta.Uid(serviceAccount)}) does not match claim ({uid})");
            }

            foreach (var (claim, storageKey) in new[] { ("secret", "/secrets"), ("pod", "/pods") })
            {
                if (kubernetes?[claim] is not JsonObject bound)
                {
                    continue;
                }

                var boundName = (string?)bound["name"] ?? "";
                var boundObject = store.Get(storageKey, ns, boundName);
                if (boundObject is null || Deleted(boundObject, now))
                {
                    return AuthResult.Failed("service account token has been invalidated");
                }

                if (Meta.Uid(boundObject) != (string?)bound["uid"])
                {
                    return AuthResult.Failed($"{claim} UID ({Meta.Uid(boundObject)}) does not match service account {claim} ref claim ({(string?)bound["uid"]})");
                }

                if (claim == "pod")
                {
                    extra["authentication.kubernetes.io/pod-name"] = [boundName];
                    extra["authentication.kubernetes.io/pod-uid"] = [Meta.Uid(boundObject)];
                }
            }
        }

        var user = new KubeUser(KubeUser.ServiceAccountName(ns, name), KubeUser.ServiceAccountGroups(ns), uid) { Extra = extra };
        return new AuthResult(user, accepted, null);
    }

    /// <summary>The public key as a JSON Web Key Set (served at /openid/v1/jwks).</summary>
    public JsonObject Jwks()
    {
        var p = _key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["use"] = "sig",
                ["kty"] = "EC",
                ["kid"] = _keyId,
                ["crv"] = "P-256",
                ["alg"] = "ES256",
                ["x"] = Base64Url(p.Q.X!),
                ["y"] = Base64Url(p.Q.Y!),
            }),
        };
    }

    public void Dispose() => _key.Dispose();

    /// <summary>Go's %q of a []string: <c>["a" "b"]</c>.</summary>
    public static string Go(IEnumerable<string> values) => "[" + string.Join(" ", values.Select(v => "\"" + v + "\"")) + "]";

    private static bool Deleted(JsonObject obj, DateTimeOffset now) =>
        (string?)obj["metadata"]?["deletionTimestamp"] is { } stamp
        && DateTimeOffset.Parse(stamp, CultureInfo.InvariantCulture) < now - Leeway;

    // The claims of a well-formed token signed by this emulator for this issuer; null for anything else.
    private JsonObject? Verify(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        try
        {
            var signature = FromBase64Url(parts[2]);
            if (!_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return null;
            }

            var claims = JsonNode.Parse(FromBase64Url(parts[1])) as JsonObject;
            return (string?)claims?["iss"] == issuer ? claims : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4));
    }
}

/// <summary>What an authenticator concluded: a user and the audiences it was accepted for, or an error.</summary>
internal sealed record AuthResult(KubeUser? User, IReadOnlyList<string> Audiences, string? Error)
{
    public static AuthResult Failed(string error) => new(null, [], error);
}
