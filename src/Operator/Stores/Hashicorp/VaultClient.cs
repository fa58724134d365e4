using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Operator.Stores.Hashicorp;

/// <summary>A Vault answer the caller interprets (2xx, 400, 404); other statuses become a <see cref="SecretStoreException"/>.</summary>
internal sealed record VaultResponse(HttpStatusCode Status, JsonNode? Body, TimeSpan? RetryAfter = null)
{
    public bool IsSuccess => (int)Status is >= 200 and < 300;

    /// <summary>Never prints the body: it may hold values.</summary>
    public override string ToString() => $"VaultResponse({(int)Status})";
}

/// <summary>
/// A small Vault HTTP API client: every call carries the current token (<see cref="VaultTokens"/>), takes a rate-limit
/// token and is retried through the integration's <see cref="StoreRetry"/> when Vault answers 429 (waiting its
/// Retry-After). A 403 is a policy denial unless the token itself turns out to be invalid; only then does it log in
/// again, once. Messages name the operation and the status only: never the token, a value or a response body.
/// </summary>
internal sealed class VaultClient : IDisposable
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private readonly HttpClient http;
    private readonly string? vaultNamespace;
    private readonly StoreContext context;

    public VaultClient(HttpClient http, VaultCredentials credentials, string? vaultNamespace, StoreContext context, IVaultJwtSource? jwt = null)
    {
        this.http = http;
        this.vaultNamespace = string.IsNullOrEmpty(vaultNamespace) ? null : vaultNamespace;
        this.context = context;
        Tokens = new VaultTokens(this, credentials, context.Time, jwt);
    }

    public VaultTokens Tokens { get; }

    /// <summary>Sends an authenticated call to <c>/v1/<paramref name="apiPath"/></c>; <paramref name="forbidden"/> is what a final 403 means.</summary>
    public Task<VaultResponse> SendAsync(HttpMethod method, string apiPath, JsonObject? body, string operation, CancellationToken cancellationToken, StoreErrorKind forbidden = StoreErrorKind.AccessDenied) =>
        context.Retry.ExecuteAsync(ct => SendAuthenticatedAsync(method, apiPath, body, operation, forbidden, ct), cancellationToken);

    public void Dispose()
    {
        Tokens.Dispose();
        http.Dispose();
    }

    /// <summary>One HTTP call with <paramref name="token"/> (none for a login); transport failures become <see cref="SecretStoreException"/>s.</summary>
    public async Task<VaultResponse> SendOnceAsync(HttpMethod method, string apiPath, JsonObject? body, string? token, string operation, CancellationToken cancellationToken)
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
            var retryAfter = RetryHints.FromHeaders(response.Headers.RetryAfter, context.Time.GetUtcNow());
            return new VaultResponse(response.StatusCode, await ParseAsync(response, cancellationToken).ConfigureAwait(false), retryAfter);
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

    public static SecretStoreException Throttled(string operation, TimeSpan? retryAfter) =>
        new(StoreErrorKind.Throttled, $"Vault throttled {operation} (429)") { RetryAfter = retryAfter };

    private async Task<VaultResponse> SendAuthenticatedAsync(HttpMethod method, string apiPath, JsonObject? body, string operation, StoreErrorKind forbidden, CancellationToken cancellationToken)
    {
        var token = await Tokens.CurrentAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendOnceAsync(method, apiPath, body, token, operation, cancellationToken).ConfigureAwait(false);

        // Vault answers 403 "permission denied" both to a token it no longer knows and to a policy denial: only a token
        // that fails lookup-self is replaced (one login), so a denied path never burns AppRole secret id uses.
        if (response.Status == HttpStatusCode.Forbidden && await Tokens.ReplaceIfInvalidAsync(token, cancellationToken).ConfigureAwait(false) is { } fresh)
        {
            response = await SendOnceAsync(method, apiPath, body, fresh, operation, cancellationToken).ConfigureAwait(false);
        }

        return response.Status switch
        {
            HttpStatusCode.Forbidden => throw new SecretStoreException(forbidden, forbidden == StoreErrorKind.AuthenticationFailed
                ? $"Vault refused the operator's token for {operation} (403); check spec.hashicorp.auth"
                : $"Vault denied {operation} (403); grant the operator's Vault policy access to it"),
            _ => Checked(response, operation),
        };
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

    /// <summary>Returns <paramref name="response"/> when the caller interprets it (2xx, 400, 404); throws the store failure of any other status.</summary>
    public static VaultResponse Checked(VaultResponse response, string operation)
    {
        var code = (int)response.Status;
        return response.Status switch
        {
            _ when response.IsSuccess => response,
            HttpStatusCode.NotFound or HttpStatusCode.BadRequest => response,
            HttpStatusCode.TooManyRequests => throw Throttled(operation, response.RetryAfter),
            HttpStatusCode.Unauthorized => throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"Vault refused the operator's credentials for {operation} (401)"),
            HttpStatusCode.ServiceUnavailable => throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault is sealed or in standby: {operation} answered 503"),
            _ => throw new SecretStoreException(StoreErrorKind.Unavailable, $"Vault {operation} failed with HTTP {code.ToString(CultureInfo.InvariantCulture)}"),
        };
    }
}
