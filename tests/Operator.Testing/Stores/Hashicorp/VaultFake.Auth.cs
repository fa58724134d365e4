using System.Text.Json.Nodes;

namespace Operator.Testing.Stores.Hashicorp;

/// <summary>
/// Tokens, logins and routing of the Vault fake. A token belongs to the namespace it was made in and works there and in
/// its child namespaces, as Vault Enterprise namespaces do; Vault answers 403 "permission denied" both for a token it
/// does not know (expired, revoked) and for a policy denial, so only <c>auth/token/lookup-self</c> tells them apart.
/// </summary>
public sealed partial class VaultFake
{
    private readonly Dictionary<string, FakeToken> tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AppRole> appRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VaultKubernetesRole> kubernetesRoles = new(StringComparer.Ordinal);
    private readonly List<string> presentedJwts = [];
    private readonly List<string> loginTokens = [];
    private readonly HashSet<(string Mount, string Entry)> deniedEntries = [];
    private readonly List<string> revoked = [];

    private sealed record VaultRoute(string Operation, string Mount, string Entry);

    private sealed record FakeToken(DateTimeOffset Created, DateTimeOffset? ExpiresAt, bool Renewable, TimeSpan Ttl, string Namespace = "");

    /// <summary>An AppRole; <see cref="UsesLeft"/> counts down <c>secret_id_num_uses</c> (null: unlimited).</summary>
    private sealed record AppRole(string RoleId, string SecretId, int? UsesLeft);

    /// <summary>Tokens revoked with <c>auth/token/revoke-self</c>, in order.</summary>
    public IReadOnlyList<string> RevokedTokens
    {
        get
        {
            lock (gate)
            {
                return [.. revoked];
            }
        }
    }

    /// <summary>Makes a token in <paramref name="vaultNamespace"/> (root by default); null <paramref name="ttl"/> never expires.</summary>
    public string AddToken(TimeSpan? ttl = null, bool renewable = false, string vaultNamespace = "")
    {
        var token = "hvs." + Guid.NewGuid().ToString("N");
        lock (gate)
        {
            var now = Time.GetUtcNow();
            tokens[token] = new FakeToken(now, now + ttl, renewable, ttl ?? TimeSpan.Zero, vaultNamespace);
        }

        return token;
    }

    /// <summary>
    /// Enables AppRole login at <c>auth/<paramref name="mount"/>/login</c> for one role id and secret id; with
    /// <paramref name="secretIdNumUses"/> the secret id stops working after that many logins (AppRole
    /// <c>secret_id_num_uses</c>), as a production role's often does.
    /// </summary>
    public void ConfigureAppRole(string roleId, string secretId, string mount = "approle", int? secretIdNumUses = null)
    {
        lock (gate)
        {
            appRoles[mount] = new AppRole(roleId, secretId, secretIdNumUses);
        }
    }

    /// <summary>Every valid token's policy denies the entry (reads and writes answer 403 "permission denied").</summary>
    public void DenyEntry(string entry, string mount = "secret")
    {
        lock (gate)
        {
            deniedEntries.Add((mount, entry));
        }
    }

    /// <summary>Enables Kubernetes login at <c>auth/<paramref name="mount"/>/login</c> for <paramref name="role"/>.</summary>
    public void ConfigureKubernetes(VaultKubernetesRole role, string mount = "kubernetes")
    {
        lock (gate)
        {
            kubernetesRoles[mount] = role;
        }
    }

    /// <summary>Every token a login issued, in order.</summary>
    public IReadOnlyList<string> LoginTokens
    {
        get
        {
            lock (gate)
            {
                return [.. loginTokens];
            }
        }
    }

    /// <summary>Every JWT a Kubernetes login presented, in order (accepted or not).</summary>
    public IReadOnlyList<string> PresentedJwts
    {
        get
        {
            lock (gate)
            {
                return [.. presentedJwts];
            }
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
    private bool IsValid(string? token, string ns = "") =>
        token is not null && tokens.TryGetValue(token, out var t) && (t.ExpiresAt is null || Time.GetUtcNow() < t.ExpiresAt)
        && (t.Namespace.Length == 0 || ns == t.Namespace || ns.StartsWith(t.Namespace + "/", StringComparison.Ordinal));

    private VaultRoute Route(string method, string rest)
    {
        switch (rest)
        {
            case "auth/token/lookup-self":
                return new("token.lookup", "", "");
            case "auth/token/renew-self":
                return new("token.renew", "", "");
            case "auth/token/revoke-self":
                return new("token.revoke", "", "");
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

                // LIST :mount/metadata/:path (Vault KV v2 API, "List secrets"): the keys directly under a folder.
                if (method == "LIST" && (rest == mount + "/metadata" || rest.StartsWith(mount + "/metadata/", StringComparison.Ordinal)))
                {
                    return new("kv.list", mount, rest.Length > mount.Length + 10 ? rest[(mount.Length + 10)..] : "");
                }

                if (rest.StartsWith(mount + "/metadata/", StringComparison.Ordinal))
                {
                    return new("kv.metadata", mount, rest[(mount.Length + 10)..]);
                }
            }
        }

        return new("unknown", "", "");
    }

    private async Task<(int, JsonNode?)> LoginAsync(VaultRoute route, string ns, JsonObject? body, CancellationToken cancellationToken)
    {
        if (route.Operation == "login.kubernetes")
        {
            VaultKubernetesRole role;
            lock (gate)
            {
                role = kubernetesRoles[route.Mount];
                presentedJwts.Add(Text(body, "jwt") ?? "");
            }

            var (status, error) = await ReviewAsync(role, Text(body, "role"), Text(body, "jwt"), cancellationToken).ConfigureAwait(false);
            if (error is not null)
            {
                return (status, Errors(error));
            }
        }

        lock (gate)
        {
            if (route.Operation == "login.approle")
            {
                var role = appRoles[route.Mount];
                if (!(Text(body, "role_id") == role.RoleId && Text(body, "secret_id") == role.SecretId && role.UsesLeft is null or > 0))
                {
                    return (400, Errors("invalid role or secret ID"));
                }

                appRoles[route.Mount] = role with { UsesLeft = role.UsesLeft - 1 };
            }

            var token = "hvs." + Guid.NewGuid().ToString("N");
            var now = Time.GetUtcNow();
            tokens[token] = new FakeToken(now, now + LoginTokenTtl, true, LoginTokenTtl, ns);
            loginTokens.Add(token);
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
    private (int, JsonNode?) RevokeSelf(string token)
    {
        tokens.Remove(token);
        revoked.Add(token);
        return (204, null);
    }

    // Called under the gate: a policy denial for a token that is itself valid.
    private bool Denied(VaultRoute route) => deniedEntries.Contains((route.Mount, route.Entry));

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
