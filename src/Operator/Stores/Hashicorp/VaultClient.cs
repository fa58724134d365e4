using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Stores.Hashicorp;

/// <summary>A Vault answer the caller interprets (2xx, 400, 404); other statuses become a <see cref="SecretStoreException"/>.</summary>
internal sealed record VaultResponse(HttpStatusCode Status, JsonNode? Body)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>Never prints the body: it may hold values.</summary>
    public override string ToString() => $"VaultResponse({(int)Status})";
}

/// <summary>
/// A small Vault HTTP API client: keeps a token (given, or from an AppRole / Kubernetes login), renews a renewable
/// login token once two thirds of its TTL have passed, logs in again once on 403, takes a rate-limit token per
/// HTTP call and retries throttled (429) calls through the integration's <see cref="StoreRetry"/>.
/// Messages name the operation and the status only: never the token, a value or a response body.
/// </summary>
internal sealed class VaultClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient http;
    private readonly VaultCredentials credentials;
    private readonly string? vaultNamespace;
    private readonly StoreContext context;
    private readonly SemaphoreSlim authGate = new(1, 1);
    private volatile VaultToken? current;

    public VaultClient(HttpClient http, VaultCredentials credentials, string? vaultNamespace, StoreContext context)
    {
        this.http = http;
        this.credentials = credentials;
        this.vaultNamespace = string.IsNullOrEmpty(vaultNamespace) ? null : vaultNamespace;
        this.context = context;
        if (credentials.Kind == VaultAuthKind.Token)
        {
            current = new VaultToken(credentials.Secret, context.Time.GetUtcNow(), TimeSpan.Zero, LoginTtl: TimeSpan.Zero, Renewable: false);
        }
    }

    /// <summary>Sends an authenticated call to <c>/v1/<paramref name="apiPath"/></c>; <paramref name="forbidden"/> is what a final 403 means.</summary>
    public Task<VaultResponse> SendAsync(HttpMethod method, string apiPath, JsonObject? body, string operation, CancellationToken cancellationToken, StoreErrorKind forbidden = StoreErrorKind.AccessDenied) =>
        context.Retry.ExecuteAsync(ct => SendAuthenticatedAsync(method, apiPath, body, operation, forbidden, ct), cancellationToken);

    public void Dispose()
    {
        http.Dispose();
        authGate.Dispose();
    }

    private async Task<VaultResponse> SendAuthenticatedAsync(HttpMethod method, string apiPath, JsonObject? body, string operation, StoreErrorKind forbidden, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(method, apiPath, body, token.Value, operation, cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.Forbidden && credentials.CanLogin)
        {
            // The token may have been revoked or expired early: one fresh login, then the call once more.
            await ReloginAsync(token, cancellationToken).ConfigureAwait(false);
            token = await TokenAsync(cancellationToken).ConfigureAwait(false);
            response = await SendOnceAsync(method, apiPath, body, token.Value, operation, cancellationToken).ConfigureAwait(false);
        }

        return response.Status switch
        {
            HttpStatusCode.Forbidden => throw new SecretStoreException(forbidden, forbidden == StoreErrorKind.AuthenticationFailed
                ? $"Vault refused the operator's token for {operation} (403); check spec.hashicorp.auth"
                : $"Vault denied {operation} (403); grant the operator's Vault policy access to it"),
            _ => Checked(response, operation),
        };
    }

    private async ValueTask<VaultToken> TokenAsync(CancellationToken cancellationToken)
    {
        var token = current;
        if (token is not null && !IsDue(token))
        {
            return token;
        }

        await authGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            token = current;
            if (token is not null && !IsDue(token))
            {
                return token;
            }

            VaultToken? next = null;
            if (token is { Renewable: true } && context.Time.GetUtcNow() < token.ExpiresAt)
            {
                next = await RenewAsync(token, cancellationToken).ConfigureAwait(false);
            }

            next ??= await LoginAsync(cancellationToken).ConfigureAwait(false);
            current = next;
            return next;
        }
        finally
        {
            authGate.Release();
        }
    }

    private async Task ReloginAsync(VaultToken stale, CancellationToken cancellationToken)
    {
        await authGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(current, stale))
            {
                current = await LoginAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            authGate.Release();
        }
    }

    // A given token is never due; a login token is due at two thirds of its TTL (renewed or replaced then).
    private bool IsDue(VaultToken token) =>
        token.Ttl > TimeSpan.Zero && context.Time.GetUtcNow() >= token.IssuedAt + (token.Ttl * 2 / 3);

    private async Task<VaultToken?> RenewAsync(VaultToken token, CancellationToken cancellationToken)
    {
        var response = await SendOnceAsync(HttpMethod.Post, "auth/token/renew-self", [], token.Value, "token renewal", cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.TooManyRequests)
        {
            throw Throttled("token renewal");
        }

        if (!response.IsSuccess || response.Body?["auth"]?["lease_duration"]?.GetValue<long>() is not { } seconds)
        {
            return null; // not renewable any more: log in again
        }

        // A renewal capped by the token's max TTL gives less than a login did: log in next time instead.
        var ttl = TimeSpan.FromSeconds(seconds);
        var renewable = response.Body["auth"]?["renewable"]?.GetValue<bool>() == true && ttl >= token.LoginTtl;
        return token with { IssuedAt = context.Time.GetUtcNow(), Ttl = ttl, Renewable = renewable };
    }

    private async Task<VaultToken> LoginAsync(CancellationToken cancellationToken)
    {
        var (body, method, operation) = credentials.Kind switch
        {
            VaultAuthKind.AppRole => (new JsonObject { ["role_id"] = credentials.Identity, ["secret_id"] = credentials.Secret }, "AppRole", "login.approle"),
            VaultAuthKind.Kubernetes => (new JsonObject { ["role"] = credentials.Identity, ["jwt"] = await ReadJwtAsync(cancellationToken).ConfigureAwait(false) }, "Kubernetes", "login.kubernetes"),
            _ => throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, "Vault refused the operator's token (403); check spec.hashicorp.auth.token"),
        };

        var where = $"auth/{credentials.MountPath}";
        var response = await SendOnceAsync(HttpMethod.Post, $"auth/{VaultPath.Escape(credentials.MountPath)}/login", body, token: null, $"{method} login at {where}", cancellationToken).ConfigureAwait(false);
        if (response.Status == HttpStatusCode.TooManyRequests)
        {
            throw Throttled($"{method} login");
        }

        if ((int)response.Status >= 500)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {method} login at {where} failed with HTTP {(int)response.Status}");
        }

        if (!response.IsSuccess)
        {
            var hint = credentials.Kind == VaultAuthKind.AppRole
                ? "check spec.hashicorp.auth.appRole.roleId and secretId"
                : "check spec.hashicorp.auth.kubernetes.role and that Vault trusts this service account";
            throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault refused the {method} login at {where} (HTTP {(int)response.Status}); {hint}");
        }

        var auth = response.Body?["auth"];
        if (auth?["client_token"]?.GetValue<string>() is not { Length: > 0 } token)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {method} login at {where} answered without a client token");
        }

        var ttl = TimeSpan.FromSeconds(auth["lease_duration"]?.GetValue<long>() ?? 0);
        return new VaultToken(token, context.Time.GetUtcNow(), ttl, ttl, auth["renewable"]?.GetValue<bool>() == true);
    }

    private async Task<string> ReadJwtAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await File.ReadAllTextAsync(credentials.JwtPath!, cancellationToken).ConfigureAwait(false)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"spec.hashicorp.auth.kubernetes.serviceAccountTokenPath: cannot read '{credentials.JwtPath}' ({e.GetType().Name})");
        }
    }

    private async Task<VaultResponse> SendOnceAsync(HttpMethod method, string apiPath, JsonObject? body, string? token, string operation, CancellationToken cancellationToken)
    {
        await context.RateLimiter.AcquireAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(method, "v1/" + apiPath);
        if (token is not null)
        {
            request.Headers.Add("X-Vault-Token", token);
        }

        if (vaultNamespace is not null)
        {
            request.Headers.Add("X-Vault-Namespace", vaultNamespace);
        }

        request.Headers.Add("X-Vault-Request", "true");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = Json;
        }

        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            return new VaultResponse(response.StatusCode, await ParseAsync(response, cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach Vault at {http.BaseAddress} for {operation}: {e.HttpRequestError}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault at {http.BaseAddress} did not answer {operation} in time", e);
        }
    }

    private static async Task<JsonNode?> ParseAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength == 0)
        {
            return null;
        }

        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                return await JsonNode.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (JsonException)
        {
            return null; // not JSON (a proxy's error page): the status decides
        }
    }

    private static VaultResponse Checked(VaultResponse response, string operation)
    {
        var code = (int)response.Status;
        return response.Status switch
        {
            _ when response.IsSuccess => response,
            HttpStatusCode.NotFound or HttpStatusCode.BadRequest => response,
            HttpStatusCode.TooManyRequests => throw Throttled(operation),
            HttpStatusCode.Unauthorized => throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault refused the operator's credentials for {operation} (401)"),
            HttpStatusCode.ServiceUnavailable => throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault is sealed or in standby: {operation} answered 503"),
            _ => throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {operation} failed with HTTP {code.ToString(CultureInfo.InvariantCulture)}"),
        };
    }

    private static SecretStoreException Throttled(string operation) =>
        new(StoreErrorKind.Throttled, $"Vault throttled {operation} (429)");

    /// <summary>A token and when it stops being good; never printed.</summary>
    private sealed record VaultToken(string Value, DateTimeOffset IssuedAt, TimeSpan Ttl, TimeSpan LoginTtl, bool Renewable)
    {
        public DateTimeOffset ExpiresAt => IssuedAt + Ttl;

        public override string ToString() => $"VaultToken(ttl: {Ttl})";
    }
}
