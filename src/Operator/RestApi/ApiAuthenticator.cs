using System.Net;
using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Operator.References;
using Operator.Runtime;

namespace Operator.RestApi;

/// <summary>
/// Authenticates API callers: a bearer token checked with a Kubernetes TokenReview for the API's own audience
/// (<c>--api-audience</c>), or an API key looked up by its SHA-256 hash in the Secret
/// <see cref="RestApiOptions.KeysSecret"/> (data key = hex hash, value = subject). Outcomes are cached briefly by
/// credential hash; a credential not in the cache costs a request from the client address's rate limit first.
/// </summary>
[Rbac("authentication.k8s.io", "tokenreviews", "create", "Callers' Kubernetes bearer tokens are checked with a TokenReview for the API's audience.", Scope = RbacScope.Cluster)]
[Rbac("", "secrets", "get", "API keys are looked up in --api-keys-secret in the operator's namespace.", Scope = RbacScope.OperatorNamespace, Feature = "rest-api")]
public sealed partial class ApiAuthenticator(
    IKubernetes client,
    AuthenticationCache cache,
    CallerRateLimiter limiter,
    IOptions<RestApiOptions> options,
    IOptions<TenancyOptions> tenancy,
    ILogger<ApiAuthenticator> logger)
{
    public const string ApiKeyHeader = "X-Api-Key";

    /// <summary>
    /// The caller, or an <see cref="ApiException"/>: 401, 429 when <paramref name="clientAddress"/> sent too many unknown
    /// credentials, 503 when the API server cannot be asked.
    /// </summary>
    public async Task<Caller> AuthenticateAsync(string? authorization, string? apiKey, string clientAddress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        if (!string.IsNullOrEmpty(authorization))
        {
            const string Bearer = "Bearer ";
            if (!authorization.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) || authorization.Length == Bearer.Length)
            {
                throw ApiException.Unauthenticated("Authorization header: expected 'Bearer <token>'");
            }

            var token = authorization[Bearer.Length..].Trim();
            return await CachedAsync(AuthenticationCache.KeyOf("bearer", token), clientAddress, ct => ReviewTokenAsync(token, ct), cancellationToken).ConfigureAwait(false);
        }

        if (!string.IsNullOrEmpty(apiKey))
        {
            return await CachedAsync(AuthenticationCache.KeyOf("key", apiKey), clientAddress, ct => LookUpApiKeyAsync(apiKey, ct), cancellationToken).ConfigureAwait(false);
        }

        throw ApiException.Unauthenticated($"no credentials: send 'Authorization: Bearer <token>' or '{ApiKeyHeader}: <key>'");
    }

    private async Task<Caller> CachedAsync(string key, string clientAddress, Func<CancellationToken, Task<Caller>> authenticate, CancellationToken cancellationToken)
    {
        if (cache.TryGet(key, out var known, out var refusal))
        {
            return known ?? throw ApiException.Unauthenticated(refusal!);
        }

        limiter.Take($"address:{clientAddress}");
        try
        {
            var caller = await authenticate(cancellationToken).ConfigureAwait(false);
            cache.Accepted(key, caller);
            return caller;
        }
        catch (ApiException e) when (e.Status == 401)
        {
            cache.Refused(key, e.Message);
            throw;
        }
    }

    private async Task<Caller> ReviewTokenAsync(string token, CancellationToken cancellationToken)
    {
        var audience = options.Value.Audience;
        V1TokenReview review;
        try
        {
            review = await client.AuthenticationV1.CreateTokenReviewAsync(
                new V1TokenReview { Spec = new V1TokenReviewSpec { Token = token, Audiences = [audience] } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            LogReviewFailed(logger, (int)e.Response.StatusCode);
            throw new ApiException(503, "authentication_unavailable", "the Kubernetes API server could not review the token; retry later");
        }

        var user = review.Status?.User;
        if (review.Status?.Authenticated != true || string.IsNullOrEmpty(user?.Username))
        {
            throw ApiException.Unauthenticated($"Authorization header: the Kubernetes API server did not accept the token for audience '{audience}' (kubectl create token <serviceaccount> --audience {audience})");
        }

        // An API server that ignores spec.audiences answers with no status.audiences: its yes would hold for any token.
        if (review.Status.Audiences?.Contains(audience, StringComparer.Ordinal) != true)
        {
            throw ApiException.Unauthenticated($"Authorization header: the token was not issued for audience '{audience}' (kubectl create token <serviceaccount> --audience {audience})");
        }

        var subjects = new HashSet<string>(StringComparer.Ordinal) { $"user:{user.Username}" };
        foreach (var group in user.Groups ?? [])
        {
            subjects.Add($"team:{group}");
        }

        return new Caller(subjects);
    }

    private async Task<Caller> LookUpApiKeyAsync(string apiKey, CancellationToken cancellationToken)
    {
        V1Secret secret;
        try
        {
            secret = await client.CoreV1.ReadNamespacedSecretAsync(options.Value.KeysSecret, tenancy.Value.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            throw ApiException.Unauthenticated($"{ApiKeyHeader} header: the key is not known");
        }
        catch (HttpOperationException e)
        {
            LogApiKeysUnreadable(logger, (int)e.Response.StatusCode);
            throw new ApiException(503, "authentication_unavailable", "the API keys could not be read; retry later");
        }

        // Only hashes are stored; every entry is compared (constant time each) so timing does not reveal a match.
        var presented = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))));
        string? subject = null;
        foreach (var (hash, value) in secret.Data ?? new Dictionary<string, byte[]>())
        {
            var stored = Encoding.ASCII.GetBytes(hash.ToLowerInvariant());
            if (CryptographicOperations.FixedTimeEquals(stored, presented))
            {
                subject = Encoding.UTF8.GetString(value).Trim();
            }
        }

        if (subject is null || !(subject.StartsWith("user:", StringComparison.Ordinal) || subject.StartsWith("team:", StringComparison.Ordinal)) || subject.Length < 6)
        {
            throw ApiException.Unauthenticated($"{ApiKeyHeader} header: the key is not known");
        }

        return new Caller(new HashSet<string>(StringComparer.Ordinal) { subject });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "TokenReview failed with HTTP {StatusCode}")]
    private static partial void LogReviewFailed(ILogger logger, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the API keys Secret failed with HTTP {StatusCode}")]
    private static partial void LogApiKeysUnreadable(ILogger logger, int statusCode);
}
