using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Hashicorp;

/// <summary>Tokens, logins and routing of the Vault fake.</summary>
public sealed partial class VaultFake
{
    private readonly Dictionary<string, FakeToken> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string RoleId, string SecretId)> appRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Role, string Jwt)> kubernetesRoles = new(StringComparer.Ordinal);

    private sealed record VaultRoute(string Operation, string Mount, string Entry);

    private sealed record FakeToken(DateTimeOffset Created, DateTimeOffset? ExpiresAt, bool Renewable, TimeSpan Ttl);

    /// <summary>Makes a token; null <paramref name="ttl"/> never expires.</summary>
    public string AddToken(TimeSpan? ttl = null, bool renewable = false)
    {
        var token = "hvs." + Guid.NewGuid().ToString("N");
        lock (gate)
        {
            var now = Time.GetUtcNow();
            tokens[token] = new FakeToken(now, now + ttl, renewable, ttl ?? TimeSpan.Zero);
        }

        return token;
    }

    /// <summary>Enables AppRole login at <c>auth/<paramref name="mount"/>/login</c> for one role id and secret id.</summary>
    public void ConfigureAppRole(string roleId, string secretId, string mount = "approle")
    {
        lock (gate)
        {
            appRoles[mount] = (roleId, secretId);
        }
    }

    /// <summary>Enables Kubernetes login at <c>auth/<paramref name="mount"/>/login</c> accepting <paramref name="jwt"/> for <paramref name="role"/>.</summary>
    public void ConfigureKubernetes(string role, string jwt, string mount = "kubernetes")
    {
        lock (gate)
        {
            kubernetesRoles[mount] = (role, jwt);
        }
    }

    /// <summary>Revokes every token, root included: the next call with any of them gets 403.</summary>
    public void RevokeAllTokens()
    {
        lock (gate)
        {
            tokens.Clear();
        }
    }

    /// <summary>Whether <paramref name="token"/> is currently accepted.</summary>
    public bool IsTokenValid(string token)
    {
        lock (gate)
        {
            return IsValid(token);
        }
    }

    // Called under the gate.
    private bool IsValid(string? token) =>
        token is not null && tokens.TryGetValue(token, out var t) && (t.ExpiresAt is null || Time.GetUtcNow() < t.ExpiresAt);

    private VaultRoute Route(string method, string rest)
    {
        switch (rest)
        {
            case "auth/token/lookup-self":
                return new("token.lookup", "", "");
            case "auth/token/renew-self":
                return new("token.renew", "", "");
        }

        lock (gate)
        {
            if (rest.StartsWith("auth/", StringComparison.Ordinal) && rest.EndsWith("/login", StringComparison.Ordinal) && method == "POST")
            {
                var mount = rest[5..^6];
                return appRoles.ContainsKey(mount) ? new("login.approle", mount, "")
                    : kubernetesRoles.ContainsKey(mount) ? new("login.kubernetes", mount, "")
                    : new("unknown", "", "");
            }

            foreach (var mount in kvMounts.OrderByDescending(m => m.Length))
            {
                if (rest.StartsWith(mount + "/data/", StringComparison.Ordinal))
                {
                    var entry = rest[(mount.Length + 6)..];
                    return method switch
                    {
                        "GET" => new("kv.read", mount, entry),
                        "POST" or "PUT" => new("kv.write", mount, entry),
                        "DELETE" => new("kv.delete", mount, entry),
                        _ => new("unknown", "", ""),
                    };
                }

                if (rest.StartsWith(mount + "/metadata/", StringComparison.Ordinal))
                {
                    return new("kv.metadata", mount, rest[(mount.Length + 10)..]);
                }
            }
        }

        return new("unknown", "", "");
    }

    private (int, JsonNode?) Login(VaultRoute route, JsonObject? body)
    {
        lock (gate)
        {
            bool accepted;
            if (route.Operation == "login.approle")
            {
                var (roleId, secretId) = appRoles[route.Mount];
                accepted = Text(body, "role_id") == roleId && Text(body, "secret_id") == secretId;
                if (!accepted)
                {
                    return (400, Errors("invalid role or secret ID"));
                }
            }
            else
            {
                var (role, jwt) = kubernetesRoles[route.Mount];
                accepted = Text(body, "role") == role && Text(body, "jwt") == jwt;
                if (!accepted)
                {
                    return (403, Errors("permission denied"));
                }
            }

            var token = "hvs." + Guid.NewGuid().ToString("N");
            var now = Time.GetUtcNow();
            tokens[token] = new FakeToken(now, now + LoginTokenTtl, true, LoginTokenTtl);
            return (200, AuthAnswer(token, LoginTokenTtl, renewable: true));
        }
    }

    // Called under the gate.
    private (int, JsonNode?) LookupSelf(string token)
    {
        var t = tokens[token];
        var ttl = t.ExpiresAt is { } at ? (long)(at - Time.GetUtcNow()).TotalSeconds : 0;
        return (200, new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["accessor"] = "accessor-" + token[^8..],
                ["creation_time"] = t.Created.ToUnixTimeSeconds(),
                ["creation_ttl"] = (long)t.Ttl.TotalSeconds,
                ["ttl"] = ttl,
                ["renewable"] = t.Renewable,
                ["policies"] = new JsonArray("default"),
            },
        });
    }

    // Called under the gate.
    private (int, JsonNode?) RenewSelf(string token, JsonObject? body)
    {
        var t = tokens[token];
        if (!t.Renewable || t.ExpiresAt is null)
        {
            return (400, Errors("lease is not renewable"));
        }

        var now = Time.GetUtcNow();
        var increment = body?["increment"] is JsonValue v && v.TryGetValue<long>(out var seconds) ? TimeSpan.FromSeconds(seconds) : LoginTokenTtl;
        var expires = Min(now + increment, t.Created + LoginTokenMaxTtl);
        tokens[token] = t with { ExpiresAt = expires };
        return (200, AuthAnswer(token, expires - now, renewable: true));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static JsonObject AuthAnswer(string token, TimeSpan ttl, bool renewable) => new()
    {
        ["auth"] = new JsonObject
        {
            ["client_token"] = token,
            ["accessor"] = "accessor-" + token[^8..],
            ["policies"] = new JsonArray("default"),
            ["lease_duration"] = (long)ttl.TotalSeconds,
            ["renewable"] = renewable,
        },
    };

    private static string? Text(JsonObject? body, string name) =>
        body?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
