using System.Net;
using System.Text.Json.Nodes;

namespace Operator.Stores.Hashicorp;

/// <summary>Where the JWT of a Vault Kubernetes login comes from (a token file, or a TokenRequest).</summary>
internal interface IVaultJwtSource
{
    Task<string> GetAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The token lifecycle of one Vault connection. A given token is looked up on first use and, when renewable, renewed
/// once two thirds of its TTL have passed. A login token (AppRole, Kubernetes) is renewed the same way, and replaced
/// by a new login when renewal is refused or capped by its max TTL; the token it replaces is revoked
/// (<c>auth/token/revoke-self</c>), so logins never pile up live tokens. Tokens are never printed.
/// </summary>
internal sealed class VaultTokens(VaultClient client, VaultCredentials credentials, TimeProvider time, IVaultJwtSource? jwt) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile VaultToken? current;

    /// <summary>A token to send now: looked up, renewed or logged in as needed.</summary>
    public async ValueTask<string> CurrentAsync(CancellationToken cancellationToken)
    {
        if (current is { } token && !IsDue(token))
        {
            return token.Value;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            token = current;
            if (token is null || IsDue(token))
            {
                current = token = await RefreshAsync(token, cancellationToken).ConfigureAwait(false);
            }

            return token.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After a 403 with <paramref name="used"/>: null when the token is still valid (a policy denial, nothing to
    /// replace), else a fresh token from one new login; a given token that Vault no longer accepts is AuthenticationFailed.
    /// </summary>
    public async Task<string?> ReplaceIfInvalidAsync(string used, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (current is { } newer && newer.Value != used)
            {
                return newer.Value; // another call has replaced it meanwhile
            }

            var lookup = await client.SendOnceAsync(HttpMethod.Get, "auth/token/lookup-self", null, used, "token lookup", cancellationToken).ConfigureAwait(false);
            if (lookup.IsSuccess)
            {
                return null;
            }

            if (lookup.Status != HttpStatusCode.Forbidden)
            {
                VaultClient.Checked(lookup, "token lookup");
                throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault token lookup failed with HTTP {(int)lookup.Status}");
            }

            if (!credentials.CanLogin)
            {
                throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault no longer accepts the token of {VaultCredentials.TokenField} (expired or revoked); point the reference at a valid token");
            }

            current = await LoginAsync(cancellationToken).ConfigureAwait(false);
            return current.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    // A given token is due only when it is renewable; a login token always is, at two thirds of its TTL.
    private bool IsDue(VaultToken token) =>
        token.Ttl > TimeSpan.Zero && (token.Renewable || credentials.CanLogin) && time.GetUtcNow() >= token.IssuedAt + (token.Ttl * 2 / 3);

    private async Task<VaultToken> RefreshAsync(VaultToken? token, CancellationToken cancellationToken)
    {
        if (token is null && !credentials.CanLogin)
        {
            return await LookUpGivenAsync(cancellationToken).ConfigureAwait(false);
        }

        if (token is { Renewable: true } && time.GetUtcNow() < token.ExpiresAt && await RenewAsync(token, cancellationToken).ConfigureAwait(false) is { } renewed)
        {
            return renewed;
        }

        if (!credentials.CanLogin)
        {
            return token! with { Renewable = false }; // used until Vault refuses it; then ReplaceIfInvalidAsync says so
        }

        var fresh = await LoginAsync(cancellationToken).ConfigureAwait(false);
        if (token is not null && time.GetUtcNow() < token.ExpiresAt)
        {
            await RevokeAsync(token.Value, cancellationToken).ConfigureAwait(false);
        }

        return fresh;
    }

    private async Task<VaultToken> LookUpGivenAsync(CancellationToken cancellationToken)
    {
        var response = await client.SendOnceAsync(HttpMethod.Get, "auth/token/lookup-self", null, credentials.Secret, "token lookup", cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.Forbidden)
        {
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault does not accept the token of {VaultCredentials.TokenField} (403); check spec.hashicorp.auth");
        }

        VaultClient.Checked(response, "token lookup"); // 429 (with its Retry-After), 401, 503 sealed, other failures

        var data = response.IsSuccess ? response.Body?["data"] : null;
        if (data is null)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault token lookup failed with HTTP {(int)response.Status}");
        }

        var ttl = TimeSpan.FromSeconds(Number(data["ttl"]));
        return new VaultToken(credentials.Secret, time.GetUtcNow(), ttl, TimeSpan.FromSeconds(Number(data["creation_ttl"])), data["renewable"]?.GetValue<bool>() == true);
    }

    private async Task<VaultToken?> RenewAsync(VaultToken token, CancellationToken cancellationToken)
    {
        var response = await client.SendOnceAsync(HttpMethod.Post, "auth/token/renew-self", [], token.Value, "token renewal", cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.TooManyRequests)
        {
            throw VaultClient.Throttled("token renewal", response.RetryAfter);
        }

        if (!response.IsSuccess || response.Body?["auth"]?["lease_duration"] is not JsonValue lease || !lease.TryGetValue<long>(out var seconds))
        {
            return null; // not renewable any more
        }

        // A renewal capped by the token's max TTL gives less than a login did: log in next time instead.
        var ttl = TimeSpan.FromSeconds(seconds);
        var renewable = response.Body["auth"]?["renewable"]?.GetValue<bool>() == true && ttl >= token.LoginTtl;
        return token with { IssuedAt = time.GetUtcNow(), Ttl = ttl, Renewable = renewable };
    }

    // Best effort: a token that cannot be revoked now expires at its TTL anyway.
    private async Task RevokeAsync(string token, CancellationToken cancellationToken)
    {
        try
        {
            await client.SendOnceAsync(HttpMethod.Post, "auth/token/revoke-self", [], token, "token revocation", cancellationToken).ConfigureAwait(false);
        }
        catch (SecretStoreException)
        {
        }
    }

    private async Task<VaultToken> LoginAsync(CancellationToken cancellationToken)
    {
        var (body, method) = credentials.Kind switch
        {
            VaultAuthKind.AppRole => (new JsonObject { ["role_id"] = credentials.Identity, ["secret_id"] = credentials.Secret }, "AppRole"),
            _ => (new JsonObject { ["role"] = credentials.Identity, ["jwt"] = await (jwt ?? throw new InvalidOperationException("no JWT source")).GetAsync(cancellationToken).ConfigureAwait(false) }, "Kubernetes"),
        };

        var where = $"auth/{credentials.MountPath}";
        var response = await client.SendOnceAsync(HttpMethod.Post, $"auth/{VaultPath.Escape(credentials.MountPath)}/login", body, token: null, $"{method} login at {where}", cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.TooManyRequests)
        {
            throw VaultClient.Throttled($"{method} login", response.RetryAfter);
        }

        if ((int)response.Status >= 500)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {method} login at {where} failed with HTTP {(int)response.Status}");
        }

        if (!response.IsSuccess)
        {
            var hint = credentials.Kind == VaultAuthKind.AppRole
                ? "check spec.hashicorp.auth.appRole.roleId and secretId"
                : credentials.JwtPath is null
                    ? $"check spec.hashicorp.auth.kubernetes.role, and {VaultCredentials.AudienceField} ('{credentials.Audience}'): the Vault role must be bound to the operator's service account and accept that audience"
                    : "check spec.hashicorp.auth.kubernetes.role and that Vault trusts the token of spec.hashicorp.auth.kubernetes.serviceAccountTokenPath";
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault refused the {method} login at {where} (HTTP {(int)response.Status}); {hint}");
        }

        var auth = response.Body?["auth"];
        if (auth?["client_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {method} login at {where} answered without a client token");
        }

        var ttl = TimeSpan.FromSeconds(Number(auth["lease_duration"]));
        return new VaultToken(token, time.GetUtcNow(), ttl, ttl, auth["renewable"]?.GetValue<bool>() == true);
    }

    private static long Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;

    /// <summary>A token and when it stops being good; never printed.</summary>
    private sealed record VaultToken(string Value, DateTimeOffset IssuedAt, TimeSpan Ttl, TimeSpan LoginTtl, bool Renewable)
    {
        public DateTimeOffset ExpiresAt => IssuedAt + Ttl;

        public override string ToString() => $"VaultToken(ttl: {Ttl})";
    }
}
