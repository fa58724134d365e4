using System.Net;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace Operator.Stores.Gcp;

/// <summary>
/// OAuth access tokens for Secret Manager from a service account key (its <c>token_uri</c> honoured) or, without a key,
/// from Application Default Credentials. Google.Apis.Auth caches a token until shortly before it expires.
/// </summary>
public sealed class GcpTokenSource : IDisposable
{
    /// <summary>The one scope Secret Manager accepts.</summary>
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly string who;
    private readonly Func<GoogleCredential>? fromKey;
    private volatile GoogleCredential? credential;

    private GcpTokenSource(Func<GoogleCredential>? fromKey, string who)
    {
        this.fromKey = fromKey;
        this.who = who;
    }

    /// <summary>A token source for a service account key JSON; a key that does not parse is refused naming the field only.</summary>
    public static GcpTokenSource FromServiceAccountKey(string json, string field)
    {
        ServiceAccountCredential account;
        try
        {
            account = CredentialFactory.FromJson<ServiceAccountCredential>(json);
        }
#pragma warning disable CA1031 // Any parse failure means the same thing; its message may quote the key, so it is dropped.
        catch (Exception)
#pragma warning restore CA1031
        {
            throw new SecretStoreException(StoreErrorKind.Misconfigured, $"{field}: the referenced value is not a GCP service account key JSON (type service_account with client_email and private_key)");
        }

        // Parsed again only after Invalidate: a fresh credential is the way to drop the cached token.
        ServiceAccountCredential? first = account;
        return new GcpTokenSource(
            () => GoogleCredential.FromServiceAccountCredential(Interlocked.Exchange(ref first, null) ?? CredentialFactory.FromJson<ServiceAccountCredential>(json)).CreateScoped(Scope),
            $"service account '{account.Id}'");
    }

    /// <summary>A token source on Application Default Credentials (workload identity, metadata server), found on first use.</summary>
    public static GcpTokenSource Ambient() => new(null, "the ambient GCP credentials");

    /// <summary>Who the tokens are for, for error messages (an email, never key material).</summary>
    public string Who => who;

    /// <summary>A current access token; failures are sanitised <see cref="SecretStoreException"/>s.</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        var current = credential ?? await CreateAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ((ITokenAccess)current).GetAccessTokenForRequestAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (TokenResponseException e)
        {
            throw Translate(e);
        }
        catch (HttpRequestException e)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"cannot reach the OAuth token endpoint for {who}: {e.HttpRequestError}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretStoreException(StoreErrorKind.Unavailable, $"the OAuth token endpoint for {who} did not answer in time");
        }
    }

    /// <summary>Drops the cached token (the API refused it), so the next call fetches a new one.</summary>
    public void Invalidate() => credential = null;

    public void Dispose() => gate.Dispose();

    private async Task<GoogleCredential> CreateAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (credential is null && fromKey is not null)
            {
                credential = fromKey();
            }
            else if (credential is null)
            {
                try
                {
                    var found = await GoogleCredential.GetApplicationDefaultAsync(cancellationToken).ConfigureAwait(false);
                    credential = found.CreateScoped(Scope);
                }
                catch (InvalidOperationException)
                {
                    throw new SecretStoreException(StoreErrorKind.AuthenticationFailed, "spec.gcp.auth.serviceAccountKey is not set and no ambient GCP credentials (workload identity, GOOGLE_APPLICATION_CREDENTIALS, metadata server) were found");
                }
            }

            return credential;
        }
        finally
        {
            gate.Release();
        }
    }

    // Only the OAuth error code is kept: error_description is the server's free text.
    private SecretStoreException Translate(TokenResponseException e)
    {
        var code = e.Error?.Error is { Length: > 0 and <= 40 } c && c.All(ch => char.IsAsciiLetterLower(ch) || ch == '_') ? c : "error";
        var status = e.StatusCode is { } s ? (int)s : 0;
        if (e.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new SecretStoreException(StoreErrorKind.Throttled, $"the OAuth token endpoint throttled {who} (429)");
        }

        if (code is "invalid_grant" or "invalid_client" or "unauthorized_client" || e.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
        {
            return new SecretStoreException(StoreErrorKind.AuthenticationFailed, $"the OAuth token endpoint refused {who} ({code}, HTTP {status}): the key may be revoked, or the account deleted or disabled");
        }

        if (e.StatusCode == HttpStatusCode.Forbidden)
        {
            return new SecretStoreException(StoreErrorKind.AccessDenied, $"the OAuth token endpoint denied {who} ({code}, HTTP 403)");
        }

        return new SecretStoreException(StoreErrorKind.Unavailable, $"the OAuth token endpoint failed for {who} ({code}, HTTP {status})");
    }
}
