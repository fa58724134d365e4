using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Operator.Runtime;

namespace Operator.Stores.Hashicorp;

/// <summary>
/// Short-lived tokens of the operator's own ServiceAccount for a given audience (TokenRequest), for Vault Kubernetes
/// logins: one per audience, cached, and requested anew once 80% of its lifetime has passed, as the kubelet refreshes
/// projected tokens (pkg/kubelet/token/token_manager.go, requiresRefresh), so a login never presents an expired token.
/// The ServiceAccount is learnt once from a SelfSubjectReview (every authenticated user may create one:
/// system:basic-user). Tokens are never printed. No token the API server itself accepts is ever handed to Vault (see
/// <see cref="EnsureNotAnApiCredentialAsync"/>).
/// </summary>
[Rbac("", "serviceaccounts/token", "create", "Vault Kubernetes auth: the operator requests short-lived tokens of its own ServiceAccount with the Vault role's audience (TokenRequest).", Scope = RbacScope.OperatorNamespace)]
[Rbac("authentication.k8s.io", "tokenreviews", "create", "Vault Kubernetes auth: a token is checked with a TokenReview before it is sent, so no token the API server accepts ever leaves the operator.", Scope = RbacScope.Cluster)]
internal sealed class VaultServiceAccountTokens(IKubernetes client, TimeProvider time) : IDisposable
{
    /// <summary>
    /// Lifetime asked for: the API's minimum (10 minutes), as External Secrets Operator asks for Vault logins; a login
    /// uses the token once, so a leaked one is worth little.
    /// </summary>
    public const long ExpirationSeconds = 600;

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Dictionary<string, Issued> cache = new(StringComparer.Ordinal);
    private readonly Lock checkedGate = new();
    private readonly HashSet<string> notApiCredentials = new(StringComparer.Ordinal);
    private (string Namespace, string Name)? self;

    /// <summary>The source of the JWTs of one integration's logins.</summary>
    public IVaultJwtSource For(string audience) => new Source(this, audience);

    /// <summary>A token of <paramref name="audience"/> valid for at least a fifth of its lifetime.</summary>
    public async Task<string> GetAsync(string audience, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (cache.TryGetValue(audience, out var cached) && time.GetUtcNow() < cached.RefreshAt)
            {
                return cached.Value;
            }

            var (ns, name) = self ??= await WhoAmIAsync(cancellationToken).ConfigureAwait(false);
            var issued = await RequestAsync(ns, name, audience, cancellationToken).ConfigureAwait(false);
            await EnsureNotAnApiCredentialAsync(issued.Value, $"{VaultCredentials.AudienceField} ('{audience}')", "a token of this audience", cancellationToken).ConfigureAwait(false);
            cache[audience] = issued;
            return issued.Value;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Throws unless the API server refuses <paramref name="jwt"/> for its own audiences (a TokenReview without
    /// audiences). Whoever may create an integration chooses both the audience (or token file) and the address the
    /// login goes to: an API-server audience, or the operator's own mounted token, would hand them the operator's API
    /// credential. Tokens found safe are remembered by hash (bounded), so a cached or re-read token is checked once.
    /// </summary>
    /// <param name="jwt">The token about to be sent.</param>
    /// <param name="field">The field as the user wrote it, with its value (a path or an audience, never a token).</param>
    /// <param name="what">What the token is, for the message.</param>
    /// <param name="cancellationToken">Cancels the TokenReview.</param>
    public async Task EnsureNotAnApiCredentialAsync(string jwt, string field, string what, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(jwt)));
        lock (checkedGate)
        {
            if (notApiCredentials.Contains(hash))
            {
                return;
            }
        }

        var review = await Call(
            () => client.AuthenticationV1.CreateTokenReviewAsync(new V1TokenReview { Spec = new V1TokenReviewSpec { Token = jwt } }, cancellationToken: cancellationToken),
            "a TokenReview of the token for Vault",
            "tokenreviews").ConfigureAwait(false);
        if (review.Status?.Authenticated != false)
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured,
                $"{field}: the Kubernetes API server accepts {what}, so it would be the operator's own API credential, which Vault (or whoever answers at spec.hashicorp.url) could replay; it is never sent. Use a token of the Vault role's own audience, such as '{VaultCredentials.DefaultAudience}'");
        }

        lock (checkedGate)
        {
            if (notApiCredentials.Count >= 64)
            {
                notApiCredentials.Clear();
            }

            notApiCredentials.Add(hash);
        }
    }

    public void Dispose() => gate.Dispose();

    private async Task<(string, string)> WhoAmIAsync(CancellationToken cancellationToken)
    {
        var review = await Call(() => client.AuthenticationV1.CreateSelfSubjectReviewAsync(new V1SelfSubjectReview(), cancellationToken: cancellationToken), "a SelfSubjectReview", "selfsubjectreviews").ConfigureAwait(false);
        var user = review.Status?.UserInfo?.Username ?? "";
        var parts = user.Split(':');
        return parts is ["system", "serviceaccount", { Length: > 0 } ns, { Length: > 0 } name]
            ? (ns, name)
            : throw new SecretStoreException(StoreErrorKind.Misconfigured,
                $"spec.hashicorp.auth.kubernetes: the operator runs as '{user}', not as a ServiceAccount, so it cannot request a token for Vault; set serviceAccountTokenPath or use another auth method");
    }

    private async Task<Issued> RequestAsync(string ns, string name, string audience, CancellationToken cancellationToken)
    {
        var request = new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec { Audiences = [audience], ExpirationSeconds = ExpirationSeconds } };
        var now = time.GetUtcNow();
        var answer = await Call(() => client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, name, ns, cancellationToken: cancellationToken), $"a token of ServiceAccount {ns}/{name}", "serviceaccounts/token").ConfigureAwait(false);
        var token = answer.Status?.Token is { Length: > 0 } value ? value
            : throw new SecretStoreException(StoreErrorKind.Unavailable, $"the API server answered the TokenRequest for ServiceAccount {ns}/{name} without a token");
        var expires = answer.Status.ExpirationTimestamp is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : now.AddSeconds(ExpirationSeconds);
        return new Issued(token, now + ((expires - now) * 0.8));
    }

    // Failures name what was asked and the status only: never a token or a response body.
    private static async Task<T> Call<T>(Func<Task<T>> call, string what, string resource)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            var status = e.Response.StatusCode;
            throw status switch
            {
                HttpStatusCode.Forbidden => new SecretStoreException(StoreErrorKind.AccessDenied, $"the API server refused {what} (403); the operator's RBAC must grant create on {resource}"),
                HttpStatusCode.NotFound => new SecretStoreException(StoreErrorKind.Misconfigured, $"the API server found nothing for {what} (404)"),
                _ => new SecretStoreException(StoreErrorKind.Unavailable, $"the API server failed {what} with HTTP {(int)status}"),
            };
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach the API server for {what}: {e.HttpRequestError}");
        }
    }

    private sealed record Issued(string Value, DateTimeOffset RefreshAt)
    {
        public override string ToString() => $"Issued(refresh at {RefreshAt:O})";
    }

    private sealed class Source(VaultServiceAccountTokens tokens, string audience) : IVaultJwtSource
    {
        public Task<string> GetAsync(CancellationToken cancellationToken) => tokens.GetAsync(audience, cancellationToken);
    }
}
